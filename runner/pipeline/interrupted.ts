import { appendArtifact } from "../artifacts/artifacts.js";
import type { DeployResult } from "../journal/events.js";
import { readEvents } from "../journal/journal-file.js";
import { recoveryAction, viewRun } from "../journal/run-view.js";
import { redact } from "../../src/redact/redactor.js";
import type { RunContext } from "./run-context.js";
import { abandonRun } from "./abandon.js";
import { settleSwitch } from "../strategy/start-first.js";
import { finishRun, rollback } from "./steps.js";
import { engineOfRun, loadEngine } from "../engine/registry.js";

/** Thrown when a run could not be finished after an error; the original error is kept as `cause`. */
export class UnfinishedRunError extends Error {
  override readonly name = "UnfinishedRunError";
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finishes a run whose pipeline threw partway (a disk error on an artifact, a bug), in the same
 * process: if `up` had started, the service was touched and is rolled back (or, on a first deploy,
 * stopped); otherwise the workspace is put back and the run is marked failed. The result is journaled
 * and reported once, like any other. A run that already has a result only failed to report; that is
 * not ours to finish, so the error is rethrown and the journal keeps it for the report retry.
 */
export async function finishInterrupted(ctx: RunContext, error: unknown): Promise<DeployResult> {
  const view = viewRun(ctx.runId, readEvents(ctx.dir));
  if (view.result) throw error;
  const last = view.startedSteps.at(-1);
  const where = view.openStep ? `during '${view.openStep}'` : last ? `after '${last}'` : "before any step";
  const why = `the deploy stopped with an error ${where}: ${redact(message(error))}`;
  const action = recoveryAction(view);
  try {
    appendArtifact(ctx.dir, "rollback.log", `${why}; finishing the run in-process (${action})`);
  } catch {
    // The artifact may be what failed; the journal and the result still say why.
  }
  try {
    const engine = await loadEngine(engineOfRun(ctx.start));
    if (engine.recover && action !== "none" && action !== "report")
      return await engine.recover(ctx, view, action, "in-process", why);
    if (action === "abandon") return await abandonRun(ctx, view, why);
    if (action === "switch") return await finishRun(ctx, await settleSwitch(ctx, view, why));
    // `settle` or `rollback`: the service was touched, and this run never verified it to the end.
    return await finishRun(ctx, await rollback(ctx, why, null));
  } catch (second) {
    if (viewRun(ctx.runId, readEvents(ctx.dir)).result) throw second; // finished; only the report failed
    throw new UnfinishedRunError(
      `run ${ctx.runId} failed (${message(error)}) and could not be finished: ${message(second)}`,
      { cause: error },
    );
  }
}
