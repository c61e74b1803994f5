/**
 * What the app and the runner agree on. GitHub Deployments are the queue between them: the app creates
 * deployments with this payload, the runner polls, claims and reports on them.
 */
import { z } from "zod";

export const DEPLOY_TASK_PREFIX = "deploy:";

export function deployTask(service: string): string {
  return `${DEPLOY_TASK_PREFIX}${service}`;
}

/** The service named by a deployment task, or null when the task is not ours. */
export function serviceFromTask(task: string | null | undefined): string | null {
  return task && task.startsWith(DEPLOY_TASK_PREFIX) ? task.slice(DEPLOY_TASK_PREFIX.length) || null : null;
}

export const deployReasonSchema = z.enum(["merge", "command", "rollback", "retry"]);
export type DeployReason = z.output<typeof deployReasonSchema>;

/** The `payload` of every deployment orchestrator creates. */
export const deploymentPayloadSchema = z.object({
  service: z.string().min(1),
  /** The PR the deploy reports to (merged fix PR, or the PR a command was given on); null for none. */
  pr: z.number().int().positive().nullable(),
  reason: deployReasonSchema,
  requested_by: z.string().min(1),
  /** rollback: the deployment id being rolled back from. */
  rollback_of: z.number().int().positive().optional(),
  /** When the app signed it; the deployment must have been created within minutes of it. */
  signed_at: z.iso.datetime(),
  /**
   * HMAC-SHA256 (hex) over the repository, environment, commit and the fields above (signing.ts):
   * the runner deploys nothing the app did not sign for exactly this place and commit.
   */
  sig: z.string().regex(/^[0-9a-f]{64}$/, "must be the app's 64-hex signature"),
});
export type DeploymentPayload = z.output<typeof deploymentPayloadSchema>;

/** Check run the runner writes on the deployed SHA; its buttons are handled by the app. */
export function deployCheckName(service: string): string {
  return `orchestrator / deploy ${service}`;
}

export const CHECK_ACTIONS = {
  rollback: { label: "Roll back", identifier: "rollback", description: "Redeploy the previous version" },
  retry: { label: "Retry", identifier: "retry", description: "Deploy this commit again" },
} as const;

/**
 * One PR comment per deployment, created by the app ("queued") and updated in place by the runner
 * (progress, result). The hidden marker finds it again after restarts.
 */
export function deployCommentMarker(deploymentId: number): string {
  return `<!-- orchestrator:deploy id=${deploymentId} -->`;
}

export function findDeployCommentMarker(body: string | null | undefined): number | null {
  const match = /<!-- orchestrator:deploy id=(\d+) -->/.exec(body ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * Description prefix the runner uses on the final `failure` status when it rolled back successfully;
 * the app reacts to it with the revert-PR offer.
 */
export const ROLLED_BACK_PREFIX = "rolled back:";

/** The service of a deploy check run, by its name; null for any other check run. */
export function serviceFromCheckName(name: string): string | null {
  const prefix = deployCheckName("");
  return name.startsWith(prefix) ? name.slice(prefix.length).trim() || null : null;
}
