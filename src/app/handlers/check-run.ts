import type { Context } from "probot";
import { autoFix } from "../auto-fix.js";
import { clientFor } from "../client.js";
import { reportInvalidConfig } from "../config-check.js";
import type { AppDeps } from "../deps.js";
import { checkRunFailure, isOwnOrActionsCheck } from "../failures.js";
import { loadConfig } from "../load-config.js";

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
  const client = clientFor(context, log);
  const loaded = await loadConfig(context);
  if (loaded.status === "missing") {
    log.debug("no .github/orchestrator.yml: staying silent");
    return;
  }
  if (loaded.status === "invalid") {
    await reportInvalidConfig(client, check.head_sha, loaded.errors, context.payload.repository.html_url);
    return;
  }
  if (!loaded.config.auto_fix) {
    log.info("auto_fix is off: not fixing CI failures without a command");
    return;
  }
  const failure = checkRunFailure({
    name: check.name,
    html_url: check.html_url ?? null,
    head_sha: check.head_sha,
    output: {
      title: check.output.title ?? null,
      summary: check.output.summary ?? null,
      text: check.output.text ?? null,
    },
  });
  await autoFix({ client, config: loaded.config, deps }, [failure]);
}
