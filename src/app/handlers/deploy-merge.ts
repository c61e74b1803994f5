import type { Context } from "probot";
import { deployMergedPull, type PullFacts } from "../../deploy/merged-pull.js";
import type { Trust } from "../../deploy/app-identity.js";
import { isOrchestratorPull } from "../../deploy/merge-target.js";
import { pullMeta } from "../../deploy/pull-meta.js";
import { postComment } from "../../../github/comments.js";
import { renderConfigErrors } from "../../render/answers.js";
import { clientFor } from "../client.js";
import { CONFIG_PATH } from "../../../contract/config-path.js";
import { loadConfig } from "../load-config.js";

/**
 * A merged PR: deploy its merge commit when it is an orchestrator PR (or, with deploy_on_merge, when
 * its changes sit inside one service), after checking the merged diff and the approval again. Exactly
 * one PR comment: queued (the runner then updates it) or why nothing was deployed.
 */
export async function onMergedPull(context: Context<"pull_request.closed">, trust: Trust): Promise<void> {
  const payload = context.payload.pull_request;
  const log = context.log.child({ handler: "deploy-merge", pr: payload.number });
  if (!payload.merged) {
    log.debug("closed without merging: nothing to deploy");
    return;
  }
  const pull: PullFacts = {
    number: payload.number,
    html_url: payload.html_url,
    body: payload.body,
    labels: (payload.labels ?? []).map((l) => l.name),
    merged: true,
    merge_commit_sha: payload.merge_commit_sha,
    head: { sha: payload.head.sha, ref: payload.head.ref },
  };
  const client = clientFor(context, trust, log);
  const loaded = await loadConfig(context);
  if (loaded.status !== "ok") {
    // Without a valid config nothing is deployed; only PRs that are visibly ours get told why.
    if (
      loaded.status === "invalid" &&
      isOrchestratorPull({ labels: pull.labels, meta: pullMeta(client, pull) })
    ) {
      await postComment(
        client,
        pull.number,
        `**Not deployed**: \`${CONFIG_PATH}\` is invalid:\n\n${renderConfigErrors(loaded.errors)}`,
      );
    }
    log.info({ config: loaded.status }, "config missing or invalid: not deploying");
    return;
  }
  const outcome = await deployMergedPull({ client, config: loaded.config }, pull, {
    reason: "merge",
    requestedBy: context.payload.sender.login,
  });
  if (outcome.kind === "skip") {
    log.info({ why: outcome.why }, "not deploying this merge");
    return;
  }
  await postComment(client, pull.number, outcome.text);
}
