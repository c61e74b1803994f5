import type { DeployResult, DeployStatus } from "../journal/events.js";
import type { RunView } from "../journal/run-view.js";
import { serviceStatuses, type ServiceStatus } from "../journal/service-status.js";
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

/** Where `status` read from: the state dir, and whether it exists or holds any run. */
export interface StateDirInfo {
  path: string;
  exists: boolean;
}

/**
 * Per service: the version live (verified, by a deploy or a rollback), the failed attempt since,
 * a run in progress; then held locks and runs that need reconciling.
 */
export function renderStatus(
  stateDir: StateDirInfo,
  runs: RunView[],
  locks: Array<{ service: string; owner: string }>,
): string {
  const services = serviceStatuses(runs);
  let out = `state dir: ${stateDir.path}`;
  if (!stateDir.exists) out += " (does not exist: no deploys recorded)\n";
  else if (runs.length === 0) out += " (empty: no deploys recorded)\n";
  else out += "\n";
  for (const status of services) out += renderService(status);
  for (const lock of locks) out += `locked: ${lock.service} by ${lock.owner}\n`;
  for (const run of runs.filter((r) => !r.reported))
    out += `needs reconcile: ${run.runId} (${run.start?.service ?? "?"}, ${run.result ? "result not reported" : `stopped at ${run.openStep ?? run.startedSteps.at(-1) ?? "start"}`})\n`;
  return out;
}

function renderService(status: ServiceStatus): string {
  const lines = [status.service];
  const live = status.live;
  if (status.state === "live" && live)
    lines.push(
      `  live:   ${short(live.sha)}  since ${live.since}  run ${live.runId} (${live.via === "deploy" ? "deployed and verified" : "restored by rollback and verified"})`,
    );
  else if (status.state === "stopped")
    lines.push("  live:   nothing (a failed first deploy was stopped; the service is not running)");
  else if (status.state === "unknown")
    lines.push("  live:   unknown (the last rollback failed; what runs was not verified)");
  else lines.push("  live:   no version verified by this runner yet");
  const failure = status.lastFailure;
  if (failure)
    lines.push(
      `  failed: ${failure.sha ? short(failure.sha) : `ref ${failure.ref}`}  at ${failure.at}  run ${failure.runId} (${failure.status.replace("_", " ")}): ${failure.reason}`,
    );
  const running = status.inProgress;
  if (running)
    lines.push(
      `  in progress: ${running.sha ? short(running.sha) : `ref ${running.ref}`}  since ${running.startedAt}  run ${running.runId}${running.step ? ` (at ${running.step})` : ""}`,
    );
  return `${lines.join("\n")}\n`;
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
