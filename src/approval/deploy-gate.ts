import { evaluate, isAllowedApprover } from "./fix-check.js";
import type { ApprovalVerdict } from "./policy.js";
import type { ServiceConfig } from "../config/schema.js";
import { errorMessage } from "../../github/errors.js";
import type { AppClient } from "../github/app-client.js";
import { whoMustApprove } from "../render/fix-story.js";

/**
 * The approval rule for protected services, as the deploy half applies it (the fix half's own review
 * logic decides what counts as an approval):
 * - a merged PR (merge, `retry`): an allowed approver approved the PR's head commit as merged;
 * - `deploy <service> [ref]`: the commenter is an allowed approver, or the commit is the merge commit of
 *   a PR that an allowed approver approved;
 * - `rollback` and the check-run buttons redeploy a commit orchestrator already deployed for the service,
 *   which passed this gate then; they need only the command permission, so undoing stays quick.
 * Errors fail closed.
 */

export interface MergedPullRef {
  number: number;
  html_url: string;
  body: string | null;
  head: { sha: string; ref: string };
}

export async function mergedPullApproval(
  client: AppClient,
  service: ServiceConfig,
  pull: MergedPullRef,
): Promise<ApprovalVerdict> {
  try {
    return await evaluate(client, service, pull);
  } catch (error) {
    client.log.warn(
      { pr: pull.number, err: errorMessage(error) },
      "approval could not be evaluated: failing closed",
    );
    return { approved: false, reason: `the reviews could not be read (${errorMessage(error)})` };
  }
}

export type GateResult = { ok: true; why: string } | { ok: false; why: string };

export async function refDeployGate(
  client: AppClient,
  service: ServiceConfig,
  sha: string,
  sender: string,
): Promise<GateResult> {
  const { octokit, owner, repo, log } = client;
  try {
    if (await isAllowedApprover(client, service, sender))
      return { ok: true, why: `@${sender} is an allowed approver` };
  } catch (error) {
    log.warn(
      { user: sender, err: errorMessage(error) },
      "could not check whether the commenter is an allowed approver",
    );
  }
  let pullReasons: string[] = [];
  try {
    const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 10,
    });
    const merged = pulls.filter((p) => p.merged_at && p.merge_commit_sha === sha);
    for (const pull of merged) {
      const verdict = await mergedPullApproval(client, service, {
        number: pull.number,
        html_url: pull.html_url,
        body: pull.body,
        head: { sha: pull.head.sha, ref: pull.head.ref },
      });
      if (verdict.approved)
        return {
          ok: true,
          why: `merge of #${pull.number}, approved by ${verdict.by.map((l) => `@${l}`).join(", ")}`,
        };
      pullReasons.push(`#${pull.number}: ${verdict.reason}`);
    }
    if (merged.length === 0) pullReasons = [`${sha.slice(0, 7)} is not the merge commit of a pull request`];
  } catch (error) {
    pullReasons = [`the pull requests of ${sha.slice(0, 7)} could not be read (${errorMessage(error)})`];
  }
  return {
    ok: false,
    why:
      `the service is protected: a deploy needs ${whoMustApprove(service.approvers ?? null)} to run it, ` +
      `or a commit merged from a pull request they approved (${pullReasons.join("; ")})`,
  };
}
