/** A bare `origin` plus a clone of it as the runner's workspace, for tests of what the runner reads. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};

export interface GitOrigin {
  origin: string;
  /** A second clone standing in for everyone else: commits here reach the workspace only by fetch. */
  upstream: string;
  workspace: string;
  git(cwd: string, ...args: string[]): string;
  /** Commits files (null deletes) on the upstream clone's main and pushes; returns the SHA. */
  pushMain(files: Record<string, string | null>, message?: string): string;
}

export function createGitOrigin(files: Record<string, string>): GitOrigin {
  const root = mkdtempSync(join(tmpdir(), "runner-origin-"));
  const origin = join(root, "origin.git");
  const upstream = join(root, "upstream");
  const workspace = join(root, "workspace");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", env: GIT_ENV }).trim();
  git(root, "init", "-q", "--bare", "-b", "main", origin);
  git(root, "clone", "-q", origin, upstream);
  git(upstream, "checkout", "-q", "-b", "main");
  const commitFiles = (changes: Record<string, string | null>, message: string) => {
    for (const [path, text] of Object.entries(changes)) {
      const full = join(upstream, path);
      if (text === null) rmSync(full);
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    git(upstream, "add", "-A");
    git(upstream, "commit", "-q", "-m", message);
    git(upstream, "push", "-q", "origin", "main");
    return git(upstream, "rev-parse", "HEAD");
  };
  commitFiles(files, "initial");
  git(root, "clone", "-q", origin, workspace);
  return { origin, upstream, workspace, git, pushMain: (f, m = "change") => commitFiles(f, m) };
}
