import type { Context } from "probot";
import { autoFix, autoFixConfig } from "../auto-fix.js";
import { clientFor } from "../client.js";
import type { AppDeps } from "../deps.js";
import { failedJobsOfRun } from "../failures.js";

const DEFAULT_MAX_FAILED_JOBS = 5;

/** A failed GitHub Actions run: read each failed job's log (streamed) and fix, if auto_fix is on. */
export async function onWorkflowRun(
  context: Context<"workflow_run.completed">,
  deps: AppDeps,
): Promise<void> {
  const run = context.payload.workflow_run;
  const log = context.log.child({ handler: "workflow_run", run: run.id });
  if (run.conclusion !== "failure") {
    log.debug({ conclusion: run.conclusion }, "run did not fail: nothing to do");
    return;
  }
  const client = clientFor(context, deps.trust, log);
  const config = await autoFixConfig(context, client, run.head_sha, context.payload.repository.html_url);
  if (!config) return;
  const failures = await failedJobsOfRun(client, run, deps.maxFailedJobs ?? DEFAULT_MAX_FAILED_JOBS);
  await autoFix({ client, config, deps }, failures);
}
