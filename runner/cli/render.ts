import type { DeployResult, DeployStatus } from "../journal/events.js";
import type { RunView } from "../journal/run-view.js";
import type { StepEvent } from "../pipeline/reporter.js";

/** Pure text rendering for the runner CLI. */

export function renderStep(event: StepEvent): string {
  if (event.phase === "start") return `-> ${event.step}\n`;
  const mark = event.ok ? "ok" : "FAILED";
  return `   ${event.step} ${mark} (${formatMs(event.durationMs ?? 0)})${event.detail ? `: ${event.detail}` : ""}\n`;
}

export function renderResult(result: DeployResult): string {
  const lines = [
    `${result.service}: ${result.status.toUpperCase()}${result.reconciled ? " (reconciled after a restart)" : ""}`,
    `  ${result.reason}`,
    `  run ${result.runId}, ${formatMs(result.durationMs)}; target ${short(result.targetSha)}, previous ${short(result.previousSha)}`,
    `  steps: ${result.steps.map((s) => `${s.step} ${s.ok ? "ok" : "FAILED"} ${formatMs(s.durationMs)}`).join(", ") || "none"}`,
    `  artifacts: ${result.artifactsDir}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function renderRuns(runs: RunView[]): string {
  if (runs.length === 0) return "no runs recorded\n";
  const rows = runs.map((run) => [
    run.runId,
    run.start?.service ?? "?",
    run.status,
    short(run.targetSha),
    run.result ? formatMs(run.result.durationMs) : run.openStep ? `at ${run.openStep}` : "-",
    run.reported ? "reported" : run.result ? "NOT REPORTED" : "unfinished",
  ]);
  return table([["RUN", "SERVICE", "STATUS", "TARGET", "TIME", "REPORT"], ...rows]);
}

/** One line per service: its latest run, plus any run that still needs reconciling. */
export function renderStatus(runs: RunView[], locks: Array<{ service: string; owner: string }>): string {
  const latest = new Map<string, RunView>();
  for (const run of runs) if (run.start) latest.set(run.start.service, run);
  const pending = runs.filter((run) => !run.reported);
  let out =
    latest.size === 0
      ? "no deploys recorded\n"
      : table([
          ["SERVICE", "LAST STATUS", "TARGET", "FINISHED", "RUN"],
          ...[...latest.values()].map((run) => [
            run.start!.service,
            run.status,
            short(run.targetSha),
            run.result?.finishedAt ?? "-",
            run.runId,
          ]),
        ]);
  for (const lock of locks) out += `locked: ${lock.service} by ${lock.owner}\n`;
  for (const run of pending)
    out += `needs reconcile: ${run.runId} (${run.start?.service ?? "?"}, ${run.result ? "result not reported" : `stopped at ${run.openStep ?? run.startedSteps.at(-1) ?? "start"}`})\n`;
  return out;
}

export function exitCodeFor(status: DeployStatus): number {
  switch (status) {
    case "success":
      return 0;
    case "rolled_back":
      return 3;
    case "rollback_failed":
      return 4;
    default:
      return 1;
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 12) : "-";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? "").length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, col) => cell.padEnd(widths[col]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}
