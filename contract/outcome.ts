/**
 * How a finished deploy ends, and how the runner's final deployment status says it. A deployment
 * status has no field for data, only a state and a one-line description, so the outcome is encoded in
 * both here and decoded here: neither side reads the other's prose.
 */
import { z } from "zod";

export const deployOutcomeSchema = z.enum(["success", "rolled_back", "failed", "refused", "rollback_failed"]);
export type DeployOutcome = z.output<typeof deployOutcomeSchema>;

/** The final deployment states the runner writes. */
export type FinalDeploymentState = "success" | "failure" | "error";

/** The description prefix of a successful rollback (exported for tests that read statuses). */
export const ROLLED_BACK_PREFIX = "rolled back:";
const ROLLBACK_FAILED_PREFIX = "rollback failed:";
const REFUSED_PREFIX = "not started:";

/** The final status for an outcome; `detail` is one line for people (the reason, or what was deployed). */
export function outcomeStatus(
  outcome: DeployOutcome,
  detail: string,
): { state: FinalDeploymentState; description: string } {
  switch (outcome) {
    case "success":
      return { state: "success", description: detail };
    case "rolled_back":
      return { state: "failure", description: `${ROLLED_BACK_PREFIX} ${detail}` };
    case "rollback_failed":
      return { state: "failure", description: `${ROLLBACK_FAILED_PREFIX} ${detail}` };
    case "refused":
      return { state: "error", description: `${REFUSED_PREFIX} ${detail}` };
    case "failed":
      // Only a successful rollback may start with the prefix the app reacts to.
      return {
        state: "failure",
        description: detail.toLowerCase().startsWith(ROLLED_BACK_PREFIX) ? `failed: ${detail}` : detail,
      };
  }
}

/**
 * The outcome a final status stands for; null for a state that is not final (queued, in_progress,
 * pending, inactive). A `failure` is `failed` unless its description is a rollback's.
 */
export function outcomeOfStatus(state: string, description: string | null | undefined): DeployOutcome | null {
  const text = description ?? "";
  switch (state) {
    case "success":
      return "success";
    case "error":
      return "refused";
    case "failure":
      if (text.startsWith(ROLLED_BACK_PREFIX)) return "rolled_back";
      if (text.startsWith(ROLLBACK_FAILED_PREFIX)) return "rollback_failed";
      return "failed";
    default:
      return null;
  }
}
