/**
 * GitHub Deployments are the queue between the app and the runner: the app creates deployments with
 * this task and payload, the runner polls, claims and reports on them.
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
