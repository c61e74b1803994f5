import type { Command } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";
import { deployMergedPull, type PullFacts } from "../deploy/merged-pull.js";

/**
 * `/orchestrator retry` on a PR: deploys its merge commit again, with the same checks as on merge
 * (service, fix policy, approval), since the first attempt may never have passed them.
 */
export const retryCommand: CommandHandler<Extract<Command, { name: "retry" }>> = async (ctx) => {
  const { client, config, issue, sender } = ctx;
  if (!issue.isPullRequest) {
    return `@${sender} \`retry\` redeploys the merge commit of a pull request, so it only works on one. Here, use \`/orchestrator deploy <service> [ref]\`.`;
  }
  const { data } = await client.octokit.rest.pulls.get({
    owner: client.owner,
    repo: client.repo,
    pull_number: issue.number,
  });
  const pull: PullFacts = {
    number: data.number,
    html_url: data.html_url,
    body: data.body,
    labels: data.labels.map((l) => l.name),
    merged: Boolean(data.merged_at),
    merge_commit_sha: data.merge_commit_sha,
    head: { sha: data.head.sha, ref: data.head.ref },
  };
  if (!pull.merged) {
    return `@${sender} this pull request is not merged, so there is no merge commit to deploy. Merge it first, or use \`/orchestrator deploy <service> [ref]\`.`;
  }
  const outcome = await deployMergedPull({ client, config }, pull, { reason: "retry", requestedBy: sender });
  return outcome.kind === "skip" ? `@${sender} not deploying: ${outcome.why}.` : `@${sender} ${outcome.text}`;
};
