import type { ServiceConfig } from "../config/schema.js";
import { branchHead } from "../github/commit-changes.js";
import { openPull, pullsForBranch } from "../github/pull-requests.js";
import { statusOf } from "../../github/errors.js";
import type { AppClient } from "../github/app-client.js";
import { escapeHtml, inlineCode, outbound } from "../render/text.js";
import { planRevert, type Snapshot } from "./revert-plan.js";
import { revertBranch } from "../../contract/branches.js";
import { isInsideFolder } from "./service-folders.js";
import { serviceFolder } from "../config/service.js";

export type RevertOutcome =
  | { kind: "opened"; number: number; url: string }
  | { kind: "existing"; number: number; url: string }
  | { kind: "declined"; reason: string };

export interface RevertRequest {
  pr: number;
  service: string;
  serviceConfig: ServiceConfig;
  deploymentId: number;
  /** The runner's final status description (what failed, that it rolled back). */
  rolledBack: string;
}

/**
 * Opens (or finds) the PR that brings the default branch back to what production runs after a rollback:
 * one commit on `orchestrator/revert/<sha7>` from the default head, restoring the service files the
 * merged PR changed to their content at the merge's first parent. Declines, with the reason, when the PR
 * is not merged or the default branch has moved those files since.
 */
export async function offerRevert(client: AppClient, request: RevertRequest): Promise<RevertOutcome> {
  const { octokit, owner, repo, log } = client;
  const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: request.pr });
  const mergeSha = pull.merge_commit_sha;
  if (!pull.merged_at || !mergeSha)
    return { kind: "declined", reason: `#${request.pr} is not merged, so there is nothing to revert` };

  const branch = revertBranch(mergeSha);
  const open = (await pullsForBranch(client, branch)).find((p) => p.state === "open");
  if (open) {
    log.info({ branch, pr: open.number }, "the revert pull request is already open");
    return { kind: "existing", number: open.number, url: open.url };
  }

  const folder = serviceFolder(request.serviceConfig.path);
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: request.pr,
    per_page: 100,
  });
  const paths = files
    .flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]))
    .filter((p) => isInsideFolder(p, folder));

  const { data: merge } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: mergeSha });
  const parentSha = merge.parents[0]?.sha;
  if (!parentSha)
    return { kind: "declined", reason: `the merge commit ${mergeSha.slice(0, 7)} has no parent` };
  const { data: parent } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: parentSha });
  const head = await branchHead(client, client.defaultBranch);

  const snapshots: Snapshot[] = [];
  for (const treeSha of [parent.tree.sha, merge.tree.sha, head.treeSha]) {
    const snapshot = await folderSnapshot(client, treeSha);
    if (snapshot === null)
      return {
        kind: "declined",
        reason: "the repository tree is too large for the API to list in one request",
      };
    snapshots.push(snapshot);
  }
  const plan = planRevert({
    paths,
    parent: snapshots[0]!,
    merge: snapshots[1]!,
    head: snapshots[2]!,
    headSha: head.sha,
  });
  if (plan.kind !== "revert") return { kind: "declined", reason: plan.reason };

  const { data: tree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: head.treeSha,
    tree: plan.entries,
  });
  const title = `revert(${request.service}): undo #${request.pr}, rolled back in production`;
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: outbound(
      `${title}\n\nRestores ${plan.entries.map((e) => e.path).join(", ")} as of ${parentSha.slice(0, 7)}.`,
      4000,
    ),
    tree: tree.sha,
    parents: [head.sha],
  });
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha });
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    // A leftover branch without an open PR (closed earlier): point it at the fresh commit.
    log.info({ branch }, "revert branch exists without an open pull request: moving it");
    await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: true });
  }
  const { pull: opened, created } = await openPull(client, {
    branch,
    title: outbound(title, 250),
    body: outbound(
      revertBody(
        request,
        mergeSha,
        parentSha,
        plan.entries.map((e) => e.path),
      ),
    ),
  });
  log.info({ branch, pr: opened.number, created }, "revert pull request ready");
  return { kind: created ? "opened" : "existing", number: opened.number, url: opened.url };
}

/** The service's files of one tree (recursive), or null when GitHub truncated the listing. */
async function folderSnapshot(client: AppClient, treeSha: string): Promise<Snapshot | null> {
  const { data } = await client.octokit.rest.git.getTree({
    owner: client.owner,
    repo: client.repo,
    tree_sha: treeSha,
    recursive: "1",
  });
  if (data.truncated) return null;
  const map = new Map<string, { sha: string; mode: string }>();
  for (const item of data.tree) {
    if (item.type === "blob" && item.path && item.sha && item.mode)
      map.set(item.path, { sha: item.sha, mode: item.mode });
  }
  return map;
}

function revertBody(request: RevertRequest, mergeSha: string, parentSha: string, paths: string[]): string {
  return [
    `The deploy of #${request.pr} (${inlineCode(mergeSha.slice(0, 7))}) to ${inlineCode(request.serviceConfig.environment)} failed verification and the runner rolled ${inlineCode(request.service)} back (deployment ${request.deploymentId}):`,
    `> ${escapeHtml(request.rolledBack)}`,
    `Production runs the previous version again, but the default branch still has the change. Merging this restores the service files to ${inlineCode(parentSha.slice(0, 7))}, so that main matches what runs:`,
    paths.map((p) => `- ${inlineCode(p)}`).join("\n"),
    "<sub>Opened by orchestrator after a rollback. Close it to keep the change on main and fix forward instead.</sub>",
  ].join("\n\n");
}
