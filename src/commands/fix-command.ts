import { chooseForService, diagnoseAll, loadBase, proposeFix } from "../app/fix-service.js";
import { failuresForCommit } from "../app/failures.js";
import { answerNoFailure, answerNothingToFix, answerOutcome } from "../render/answers.js";
import type { Command } from "./parse-command.js";
import type { CommandContext, CommandHandler } from "./command-handler.js";

const DEFAULT_MAX_FAILED_JOBS = 5;

/**
 * `fix` and `plan`. The log comes from the latest failed workflow run on the PR's head commit (on an
 * issue: the default branch head); when Actions has none there, from failed check runs of other CI.
 * The fix itself always branches from the default branch head.
 */
async function run(
  ctx: CommandContext,
  service: string,
  mode: "fix" | "plan",
  force: boolean,
): Promise<string> {
  const { client, config, deps, issue, sender } = ctx;
  const env = { client, config, deps };
  const base = await loadBase(client);
  let sha = base.head.sha;
  let where = `the default branch \`${client.defaultBranch}\``;
  if (issue.isPullRequest) {
    const { data: pr } = await client.octokit.rest.pulls.get({
      owner: client.owner,
      repo: client.repo,
      pull_number: issue.number,
    });
    sha = pr.head.sha;
    where = "this pull request's head";
  }
  const failures = await failuresForCommit(client, sha, deps.maxFailedJobs ?? DEFAULT_MAX_FAILED_JOBS);
  if (failures.length === 0) return answerNoFailure(sender, sha, where);
  const diagnosed = await diagnoseAll(env, base, failures);
  const chosen = chooseForService(diagnosed, service, config);
  if ("why" in chosen)
    return answerNothingToFix(
      sender,
      service,
      chosen.why.length > 0 ? chosen.why : ["no failure log could be read"],
    );
  const outcome = await proposeFix(env, base, { service, diagnosed: chosen.pick, mode, force });
  return answerOutcome(outcome, sender);
}

export const fixCommand: CommandHandler<Extract<Command, { name: "fix" }>> = (ctx, command) =>
  run(ctx, command.service, "fix", command.force);

export const planCommand: CommandHandler<Extract<Command, { name: "plan" }>> = (ctx, command) =>
  run(ctx, command.service, "plan", false);
