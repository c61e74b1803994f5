import { redactThenCut } from "../redact/cut.js";
import { escapeHtml, inlineCode } from "../render/text.js";
import { deployCommentMarker } from "../../contract/markers.js";
import type { DeploymentPayload } from "../../contract/deployment.js";
import { currentDeployment, latestState, type DeploymentRecord } from "./deployment-history.js";

/** The texts of the deploy half. Pure; callers post them through the redacting exits. */

export interface QueuedFacts {
  deploymentId: number;
  service: string;
  environment: string;
  sha: string;
  payload: DeploymentPayload;
  /** false when there is no PR to report to: the runner then reports only on the environment page. */
  reportsHere: boolean;
}

export function reasonText(payload: Pick<DeploymentPayload, "reason" | "pr" | "rollback_of">): string {
  switch (payload.reason) {
    case "merge":
      return payload.pr ? `merge of #${payload.pr}` : "merge";
    case "rollback":
      return payload.rollback_of ? `rollback of deployment ${payload.rollback_of}` : "rollback";
    case "retry":
      return payload.pr ? `retry of #${payload.pr}` : "retry";
    case "command":
      return "deploy command";
  }
}

/**
 * The one comment per deployment. The runner finds it by its marker and rewrites it with progress and
 * the result, so it must stay the only comment carrying that marker.
 */
export function renderQueued(facts: QueuedFacts): string {
  return [
    `**Deploy queued**: ${inlineCode(facts.service)} at ${inlineCode(facts.sha.slice(0, 7))} to ${inlineCode(facts.environment)} ` +
      `(deployment ${facts.deploymentId}, ${reasonText(facts.payload)}, requested by @${facts.payload.requested_by}).`,
    "The runner on the Docker host builds the image, restarts only this service, verifies it and rolls back to the " +
      "previous image if verification fails. " +
      (facts.reportsHere
        ? "This comment is updated with the result."
        : `No pull request is involved: follow it on the \`${facts.environment}\` environment page.`),
    deployCommentMarker(facts.deploymentId),
  ].join("\n\n");
}

export function renderNotDeployed(
  service: string | null,
  sha: string,
  why: string,
  reasons: string[] = [],
): string {
  const what = service
    ? `${inlineCode(service)} at ${inlineCode(sha.slice(0, 7))}`
    : inlineCode(sha.slice(0, 7));
  return [
    `**Not deployed**: ${what}: ${escapeHtml(why)}. No deployment was created.`,
    ...reasons.map((r) => `- ${escapeHtml(r)}`),
  ].join("\n");
}

/** GitHub refused to create the deployment (409: required contexts or a conflict; 422: validation). */
export function renderRejected(
  service: string,
  sha: string,
  status: number,
  message: string,
  contexts: string[],
): string {
  const hint =
    status === 409
      ? contexts.length > 0
        ? `The required status checks (${contexts.map(inlineCode).join(", ")}, from \`deploy.required_contexts\`) have not all passed on this commit. Once they are green, run \`/orchestrator retry\` here or \`/orchestrator deploy ${service} ${sha.slice(0, 7)}\`.`
        : "GitHub reported a conflict for this commit."
      : "GitHub did not accept the deployment request.";
  return `**Not deployed**: GitHub refused the deployment of ${inlineCode(service)} at ${inlineCode(sha.slice(0, 7))} (HTTP ${status}: ${escapeHtml(message)}). ${hint}`;
}

export interface ServiceHistory {
  service: string;
  environment: string;
  records: DeploymentRecord[];
}

export const STATUS_ROWS = 5;

/** `/orchestrator status`: per service, what runs now and the last deployments as a table. */
export function renderStatus(histories: ServiceHistory[]): string {
  return histories.map(renderServiceStatus).join("\n\n");
}

function renderServiceStatus(history: ServiceHistory): string {
  const title = `**${inlineCode(history.service)}** in ${inlineCode(history.environment)}`;
  if (history.records.length === 0) return `${title}: no deployments by orchestrator yet.`;
  const current = currentDeployment(history.records);
  const now = current
    ? `running ${inlineCode(current.sha.slice(0, 7))} (deployment ${current.id}${current.payload ? `, ${reasonText(current.payload)}` : ""})`
    : "no successful deployment yet";
  const rows = history.records.slice(0, STATUS_ROWS).map((r) => {
    const description = r.statuses[0]?.description ?? "";
    return `| ${r.id}${r.id === current?.id ? " (current)" : ""} | ${inlineCode(r.sha.slice(0, 7))} | ${latestState(r)} | ${cell(r.payload ? reasonText(r.payload) : "not orchestrator's")} | ${r.payload ? `@${r.payload.requested_by}` : r.creator ? `@${r.creator}` : ""} | ${shortTime(r.createdAt)} | ${cell(description)} |`;
  });
  return [
    `${title}: ${now}`,
    "",
    "| deployment | commit | state | reason | by | created | note |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** A table cell: no pipes or newlines, HTML escaped, short. */
function cell(text: string): string {
  return escapeHtml(redactThenCut(text.replace(/\s*[|\r\n]+\s*/g, " ").trim(), 80, "..."));
}

function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");
}
