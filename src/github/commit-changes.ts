import type { FileChange } from "../patch/repo-files.js";
import { statusOf } from "../../github/errors.js";
import type { AppClient } from "./app-client.js";

export interface BranchHead {
  sha: string;
  treeSha: string;
}

export interface CommitResult {
  branch: string;
  commitSha: string;
  /** "created": new branch; "converged": a concurrent twin made the same tree; "moved": stale branch reset. */
  how: "created" | "converged" | "moved";
}

/** The head commit and tree of a branch, in one request (the branches endpoint carries both). */
export async function branchTip(client: AppClient, branch: string): Promise<BranchHead> {
  const { octokit, owner, repo } = client;
  const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch });
  return { sha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
}

/** The head commit and tree of a branch. */
export async function branchHead(client: AppClient, branch: string): Promise<BranchHead> {
  const { octokit, owner, repo } = client;
  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  const { data: commit } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: ref.object.sha });
  return { sha: commit.sha, treeSha: commit.tree.sha };
}

/**
 * Commits `changes` on top of `base` and points `branch` at the commit, through the Git Data API
 * (tree with base_tree and inline contents, commit, ref). Idempotent by content: when the branch already exists
 * ("Reference already exists"), a branch with the same tree is a concurrent twin and is kept; a branch
 * with another tree is a stale leftover (closed PR, older base) and is moved to the new commit.
 */
export async function commitChanges(
  client: AppClient,
  input: { base: BranchHead; branch: string; changes: FileChange[]; message: string },
): Promise<CommitResult> {
  const { octokit, owner, repo, log } = client;
  // Contents go inline in the tree (GitHub stores them as blobs): no request per file.
  const tree = input.changes.map((change) => ({
    path: change.path,
    mode: fileMode(change.mode),
    type: "blob" as const,
    content: change.after,
  }));
  const { data: newTree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: input.base.treeSha,
    tree,
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: input.message,
    tree: newTree.sha,
    parents: [input.base.sha],
  });
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${input.branch}`, sha: commit.sha });
    return { branch: input.branch, commitSha: commit.sha, how: "created" };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
  }
  const existing = await branchHead(client, input.branch);
  if (existing.treeSha === newTree.sha) {
    log.info(
      { branch: input.branch, sha: existing.sha },
      "branch already exists with the same tree: converging on it",
    );
    return { branch: input.branch, commitSha: existing.sha, how: "converged" };
  }
  log.info(
    { branch: input.branch, from: existing.sha, to: commit.sha },
    "branch exists with another tree: moving it",
  );
  await octokit.rest.git.updateRef({
    owner,
    repo,
    ref: `heads/${input.branch}`,
    sha: commit.sha,
    force: true,
  });
  return { branch: input.branch, commitSha: commit.sha, how: "moved" };
}

/** New files are regular files; existing ones keep their mode (the policy has already refused symlinks). */
function fileMode(mode: string): "100644" | "100755" {
  return mode === "100755" ? "100755" : "100644";
}
