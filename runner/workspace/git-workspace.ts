import { simpleGit, type SimpleGit } from "simple-git";
import { redactor } from "../../src/redact/redactor.js";

/** The compose project checkout the runner deploys from. Thin wrapper over simple-git. */
export function openWorkspace(dir: string, options: { token?: string } = {}): SimpleGit {
  const config: string[] = [];
  if (options.token) {
    // The token travels as a header through `-c`, never in a URL, and is masked in every log.
    redactor.add(options.token);
    const basic = Buffer.from(`x-access-token:${options.token}`).toString("base64");
    config.push(`http.extraheader=AUTHORIZATION: basic ${basic}`);
  }
  return simpleGit({ baseDir: dir, config });
}

/** Where HEAD is: its commit, and the branch checked out (null when detached). */
export async function workspaceHead(git: SimpleGit): Promise<{ head: string; branch: string | null }> {
  if (!(await git.checkIsRepo())) throw new Error("the workspace is not a git checkout");
  const head = (await git.revparse(["HEAD"])).trim();
  const branch = (await git.raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim();
  return { head, branch: branch === "HEAD" ? null : branch };
}

/** Tracked files with uncommitted changes, staged or not. Untracked and ignored files are not listed. */
export async function trackedChanges(git: SimpleGit): Promise<string[]> {
  const out = await git.raw([
    "status",
    "--porcelain=v1",
    "-z",
    "--untracked-files=no",
    "--ignore-submodules=none",
  ]);
  const fields = out.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  return paths;
}

/**
 * Commits reachable from `head` that no branch, tag or remote-tracking ref holds, and that are not
 * reachable from `known` either (commits the runner itself checked out, e.g. fetched deployment SHAs).
 * Moving HEAD away would leave them reachable only through the reflog.
 */
export async function unheldCommits(
  git: SimpleGit,
  head: string,
  known: string[],
): Promise<Array<{ sha: string; subject: string }>> {
  const out = await git.raw([
    "log",
    "--ignore-missing",
    "--format=%H%x00%s",
    head,
    "--not",
    "--branches",
    "--tags",
    "--remotes",
    ...known,
    "--",
  ]);
  return out
    .split("\n")
    .filter((line) => line.includes("\0"))
    .map((line) => {
      const [sha, subject] = line.split("\0", 2) as [string, string];
      return { sha, subject };
    });
}

/** Paths the target commit adds relative to `head` (a checkout of the target would write them). */
export async function pathsAdded(git: SimpleGit, head: string, target: string): Promise<string[]> {
  const out = await git.raw(["diff", "--name-only", "--no-renames", "-z", "--diff-filter=A", head, target]);
  return out.split("\0").filter(Boolean);
}

/**
 * Puts HEAD back at `sha`: on `branch` when one was checked out and it still points there, else
 * detached. Does nothing when HEAD is there already, so a branch checkout is never turned into a
 * detached HEAD for no reason.
 */
export async function returnHead(git: SimpleGit, sha: string, branch: string | null): Promise<string> {
  const now = await workspaceHead(git);
  if (now.head === sha && (!branch || now.branch === branch))
    return `workspace already at ${sha.slice(0, 12)}`;
  if (branch && (await resolveCommit(git, `refs/heads/${branch}`)) === sha) {
    await git.raw(["checkout", "--quiet", branch, "--"]);
    return `workspace back on ${branch} at ${sha.slice(0, 12)}`;
  }
  await checkoutDetached(git, sha);
  return `workspace back at ${sha.slice(0, 12)}`;
}

/** The commit a ref names, or null when this checkout does not have it. */
export async function resolveCommit(git: SimpleGit, ref: string): Promise<string | null> {
  if (ref.startsWith("-")) throw new Error(`ref '${ref}' may not start with '-'`);
  try {
    return (await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

export async function fetchRef(git: SimpleGit, remote: string, ref: string): Promise<void> {
  await git.raw(["fetch", "--quiet", "--no-tags", remote, ref]);
}

export async function checkoutDetached(git: SimpleGit, sha: string): Promise<void> {
  await git.raw(["checkout", "--quiet", "--detach", sha]);
}

/** File text at a commit, or null when the path does not exist there. */
export async function showFile(git: SimpleGit, sha: string, path: string): Promise<string | null> {
  try {
    return await git.raw(["show", `${sha}:${path}`]);
  } catch {
    return null;
  }
}

export async function diffPath(git: SimpleGit, from: string, to: string, path: string): Promise<string> {
  return git.raw(["diff", `${from}..${to}`, "--", path]);
}
