/**
 * Pure rendering of what a deploy shows on GitHub: the PR comment (one per deployment, found again by
 * its marker), the check run output and buttons, and the deployment status. Everything returned here
 * has been through the redactor and fits GitHub's limits.
 */
import { CHECK_ACTIONS } from "../../../contract/checks.js";
import { outcomeStatus } from "../../../contract/outcome.js";
import { deployCommentMarker } from "../../../contract/markers.js";
import { redactThenCut } from "../../../src/redact/cut.js";
import { redact } from "../../../src/redact/redactor.js";
import { codeBlock, details, inlineCode, outbound } from "../../../src/render/text.js";
import type { DeployResult, DeployStatus, ProbeSummary, StepName } from "../../journal/events.js";
import type { RunView } from "../../journal/run-view.js";
import type { DeploymentState } from "../../../github/deployments.js";

export interface StepRow {
  step: StepName;
  state: "running" | "ok" | "failed";
  durationMs: number | null;
  detail: string;
}

export interface DeployCommentModel {
  deploymentId: number;
  service: string;
  environment: string;
  sha: string;
  /** The runner's host, so an operator knows where to look. */
  runner: string;
  steps: StepRow[];
  result: DeployResult | null;
  /** Set when a newer deployment replaced this one before it ran. */
  supersededBy?: number;
  /** Set when the deploy could not start at all. */
  startError?: string;
}

/** The journal's steps as table rows: ended steps, then the one still running. */
export function stepRows(view: Pick<RunView, "endedSteps" | "openStep">): StepRow[] {
  const rows: StepRow[] = view.endedSteps.map((s) => ({
    step: s.step,
    state: s.ok ? "ok" : "failed",
    durationMs: s.durationMs,
    detail: s.detail,
  }));
  if (view.openStep) rows.push({ step: view.openStep, state: "running", durationMs: null, detail: "" });
  return rows;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const HEADLINES: Record<DeployStatus, string> = {
  success: "✅ Deployed",
  rolled_back: "↩️ Deploy failed, rolled back",
  rollback_failed: "🚨 Deploy failed and the rollback failed too",
  failed: "❌ Deploy failed",
  refused: "⛔ Deploy refused, nothing was touched",
};

export function headline(model: DeployCommentModel): string {
  const what = `${inlineCode(model.service)} to ${inlineCode(model.environment)}`;
  if (model.supersededBy)
    return `⏭️ Deploy of ${what} skipped: superseded by deployment #${model.supersededBy}`;
  if (model.startError) return `❌ Deploy of ${what} could not start`;
  if (!model.result) return `⏳ Deploying ${what}`;
  return `${HEADLINES[model.result.status]}: ${what}`;
}

export function renderDeployComment(model: DeployCommentModel): string {
  const parts = [
    deployCommentMarker(model.deploymentId),
    `### ${headline(model)}`,
    `Commit ${inlineCode(model.sha.slice(0, 12))} · deployment #${model.deploymentId} · runner ${inlineCode(model.runner)}${model.result?.reconciled ? " · finished after a runner restart" : ""}`,
  ];
  if (model.startError) parts.push(`The runner could not start the deploy: ${oneLine(model.startError)}`);
  if (model.result) parts.push(resultLine(model.result));
  if (model.steps.length > 0) parts.push(stepTable(model.steps));
  if (model.result && model.result.status !== "success") parts.push(...evidence(model.result));
  return outbound(parts.join("\n\n"));
}

function resultLine(result: DeployResult): string {
  const total = `in ${formatDuration(result.durationMs)}`;
  if (result.status === "success") return `**${result.reason}** (${total}).`;
  return `**Why:** ${oneLine(result.reason)} (${total}).`;
}

export function stepTable(rows: StepRow[]): string {
  const mark = { running: "⏳ running", ok: "✅ ok", failed: "❌ failed" } as const;
  const lines = ["| Step | Result | Time | Detail |", "| --- | --- | --- | --- |"];
  for (const row of rows) {
    lines.push(
      `| ${row.step} | ${mark[row.state]} | ${row.durationMs === null ? "" : formatDuration(row.durationMs)} | ${cell(row.detail)} |`,
    );
  }
  return lines.join("\n");
}

/** The container log tails the pipeline carried in the result (redacted there, and again by outbound). */
function evidence(result: DeployResult): string[] {
  const out: string[] = [];
  const failedProbes = failedProbeRows(result.verify);
  if (failedProbes) out.push(details("Failed probes", failedProbes, true));
  const tail = result.verify?.logsTail?.trim();
  if (tail) out.push(details("Container log (last lines, redacted)", codeBlock(lastLines(tail))));
  const afterRollback = result.rollbackVerify?.logsTail?.trim();
  if (afterRollback)
    out.push(
      details("Container log after the rollback (last lines, redacted)", codeBlock(lastLines(afterRollback))),
    );
  if (result.status === "rolled_back" || result.status === "rollback_failed") out.push(rollbackLine(result));
  return out;
}

function failedProbeRows(verify: ProbeSummary | null): string | null {
  const failed = verify?.probes.filter((p) => !p.ok) ?? [];
  if (failed.length === 0) return null;
  const shown = failed.slice(-15);
  const lines = [
    "| Time | Probe | Detail |",
    "| --- | --- | --- |",
    ...shown.map((p) => `| ${p.at} | ${p.kind} | ${cell(p.detail)} |`),
  ];
  if (failed.length > shown.length)
    lines.push(`\n_${failed.length - shown.length} earlier failed probes are in verify.log._`);
  return lines.join("\n");
}

function rollbackLine(result: DeployResult): string {
  const image = result.rollbackPoint
    ? ` (image ${inlineCode(result.rollbackPoint.imageId.replace(/^sha256:/, "").slice(0, 12))})`
    : "";
  const again = result.rollbackVerify;
  if (result.status === "rolled_back") {
    return `**Rollback:** the previous version${image} is running again and verified healthy${again ? `: ${oneLine(again.reason)}` : ""}.`;
  }
  return `**Rollback failed:**${image} ${again ? oneLine(again.reason) : "see rollback.log on the runner"}. The service needs attention.`;
}

/** Deployment status for a finished run: `error` when it never started, `failure` for every other failure. */
export function finalStatus(result: DeployResult): { state: DeploymentState; description: string } {
  const detail =
    result.status === "success"
      ? `deployed ${short(result.targetSha)} in ${formatDuration(result.durationMs)}`
      : oneLine(result.reason);
  return outcomeStatus(result.status, detail);
}

export type CheckConclusion = "success" | "failure";

export function checkConclusion(status: DeployStatus): CheckConclusion {
  return status === "success" ? "success" : "failure";
}

/** Buttons on the completed check run; the app handles the clicks. */
export function checkActions(
  status: DeployStatus,
): Array<{ label: string; identifier: string; description: string }> {
  const { rollback, retry } = CHECK_ACTIONS;
  const pick = (a: typeof rollback | typeof retry) => ({
    label: a.label,
    identifier: a.identifier,
    description: a.description,
  });
  // Success: offer the way back. A failure that left the old version running: offer another try.
  // A failed rollback: both, the operator decides.
  if (status === "success") return [pick(rollback)];
  if (status === "rollback_failed") return [pick(retry), pick(rollback)];
  return [pick(retry)];
}

export function renderCheckOutput(model: DeployCommentModel): {
  title: string;
  summary: string;
  text: string;
} {
  const title = model.result
    ? `${model.result.status.replace("_", " ")}: ${model.service} @ ${model.sha.slice(0, 12)}`
    : `deploying ${model.service} @ ${model.sha.slice(0, 12)}`;
  const summary = [
    headline(model),
    model.result
      ? resultLine(model.result)
      : `Deployment #${model.deploymentId} on runner ${inlineCode(model.runner)}.`,
  ].join("\n\n");
  const text = [
    model.steps.length > 0 ? stepTable(model.steps) : "",
    ...(model.result && model.result.status !== "success" ? evidence(model.result) : []),
  ]
    .filter(Boolean)
    .join("\n\n");
  return { title: outbound(title, 200), summary: outbound(summary), text: outbound(text) };
}

const LOG_TAIL_LINES = 40;

function lastLines(text: string, max = LOG_TAIL_LINES): string {
  // Redacted before the cut: a PEM block whose BEGIN line falls outside the tail is still one.
  return redact(text).split("\n").slice(-max).join("\n");
}

/**
 * The environment URL for the deployment page: the health URL's origin when it is reachable from
 * outside the host; a loopback or private address would only be a broken link on GitHub.
 */
export function publicEnvironmentUrl(healthUrl: string | null | undefined): string | null {
  if (!healthUrl) return null;
  let url: URL;
  try {
    url = new URL(healthUrl);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const privateHost =
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host.endsWith(".local") ||
    host.endsWith(".internal") ||
    (!host.includes(".") && !host.includes(":")) ||
    /^127\.|^10\.|^192\.168\.|^169\.254\.|^0\.|^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^(::1?|f[cd][0-9a-f]{2}:.*|fe80:.*)$/i.test(host);
  return privateHost ? null : url.origin;
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 12) : "?";
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Table cells: one line, no pipes breaking the table, long details cut. */
function cell(text: string): string {
  return redactThenCut(oneLine(text), 180).replace(/\|/g, "\\|");
}
