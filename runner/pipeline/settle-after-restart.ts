import type { DeployResult, ProbeSummary } from "../journal/events.js";
import type { VerifyResult } from "../verify/verify-service.js";
import type { ResultFields, RunContext } from "./run-context.js";
import { finishRun, summarizeVerify } from "./steps.js";

/**
 * A restarted runner found the run's new version in place: it is kept when it verifies now, and
 * rolled back otherwise. Shared by every engine's reconcile (the verify and rollback are the engine's).
 */
export async function keepIfVerified(
  ctx: RunContext,
  verify: () => Promise<{ ok: boolean; detail: string; verify: VerifyResult | null }>,
  rollback: (why: string, verify: ProbeSummary | null) => Promise<ResultFields>,
  failedWhy: (detail: string) => string,
): Promise<DeployResult> {
  const verified = await verify();
  const summary = summarizeVerify(verified.verify);
  if (verified.ok)
    return finishRun(ctx, {
      status: "success",
      reason: `finished after a runner restart: ${verified.detail}`,
      verify: summary,
      workspaceSha: ctx.targetSha,
    });
  return finishRun(ctx, await rollback(failedWhy(verified.detail), summary));
}
