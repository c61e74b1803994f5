import type { Context } from "probot";
import { autoFix, autoFixConfig } from "../auto-fix.js";
import { clientFor } from "../client.js";
import type { AppDeps } from "../deps.js";
import { checkRunFailure, isOwnOrActionsCheck } from "../failures.js";

/**
 * A failed check run from another CI (GitHub Actions jobs arrive as workflow_run instead, and our own
 * checks are ignored): its output title/summary/text is the log.
 */
export async function onCheckRun(context: Context<"check_run.completed">, deps: AppDeps): Promise<void> {
  const check = context.payload.check_run;
  const log = context.log.child({ handler: "check_run", check: check.id });
  if (check.conclusion !== "failure") {
    log.debug({ conclusion: check.conclusion }, "check did not fail: nothing to do");
    return;
  }
  if (isOwnOrActionsCheck(check.name, check.app?.slug)) {
    log.debug({ name: check.name }, "orchestrator's own or a GitHub Actions check: handled elsewhere");
    return;
  }
  const client = clientFor(context, deps.trust, log);
  const config = await autoFixConfig(context, client, check.head_sha, context.payload.repository.html_url);
  if (!config) return;
  const failure = checkRunFailure({
    name: check.name,
    html_url: check.html_url ?? null,
    head_sha: check.head_sha,
    output: {
      title: check.output.title ?? null,
      summary: check.output.summary ?? null,
      text: check.output.text ?? null,
    },
    pull_requests: check.pull_requests,
  });
  await autoFix({ client, config, deps }, [failure]);
}
