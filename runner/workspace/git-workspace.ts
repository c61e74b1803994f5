import { simpleGit, type SimpleGit } from "simple-git";
import { redactor } from "../../src/redact/redactor.js";

/** The compose project checkout the runner deploys from. Thin wrapper over simple-git. */
export interface WorkspaceState {
  head: string;
  branch: string | null;
  /** `git status --porcelain` lines (ignored files excluded). */
  dirty: string[];
  /** Local commits the upstream does not have (0 without an upstream). */
  ahead: number;
}

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

export async function workspaceState(git: SimpleGit): Promise<WorkspaceState> {
  if (!(await git.checkIsRepo())) throw new Error("the workspace is not a git checkout");
  const head = (await git.revparse(["HEAD"])).trim();
  const branchRaw = (await git.raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim();
  const status = await git.raw(["status", "--porcelain", "--untracked-files=normal"]);
  let ahead = 0;
  try {
    ahead = Number((await git.raw(["rev-list", "--count", "@{upstream}..HEAD"])).trim()) || 0;
  } catch {
    ahead = 0; // no upstream configured
  }
  return {
    head,
    branch: branchRaw === "HEAD" ? null : branchRaw,
    dirty: status.split("\n").filter((line) => line.trim()),
    ahead,
  };
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
