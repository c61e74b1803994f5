/** What a failed verification says for machines (its `reason` says it for people). */
import { z } from "zod";

/** Why a verification failed. */
export const verifyCauseSchema = z.enum(["crash_loop", "exited", "unhealthy", "http", "timeout"]);
export type VerifyCause = z.output<typeof verifyCauseSchema>;

/**
 * Whether the verifier saw the new version's own container stop or restart (as opposed to a container
 * that kept running but failed its health checks, or one that was replaced or vanished). A `crashed`
 * failure is a runtime crash whose log is worth diagnosing.
 */
export const verifyFailureSchema = z.object({
  cause: verifyCauseSchema,
  crashed: z.boolean(),
});
export type VerifyFailure = z.output<typeof verifyFailureSchema>;
