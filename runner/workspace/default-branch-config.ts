import { existsSync } from "node:fs";
import type { SimpleGit } from "simple-git";
import { formatConfigErrors, parseConfigText } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { openWorkspace, resolveCommit, showFile } from "./git-workspace.js";
import { CONFIG_PATH } from "../../contract/config-path.js";

/** The config could not be read from the default branch; the message says what to fix. */
export class ConfigSourceError extends Error {
  override readonly name = "ConfigSourceError";
}

export interface DefaultBranchConfig {
  config: OrchestratorConfig;
  /** e.g. `main`, as `refs/remotes/<remote>/HEAD` names it. */
  branch: string;
  /** The commit the config was read at. */
  sha: string;
  /** Set when the fetch failed and the last fetched default branch was read instead. */
  fetchError?: string;
}

export interface DefaultBranchConfigOptions {
  remote?: string;
  /** Fetch the default branch first (the runner does on every pass; the start-up check does not). */
  fetch?: boolean;
  /** Installation token for the fetch, sent in a header. */
  token?: string;
}

/** The remote's default branch as the checkout knows it (`git clone` records it in `<remote>/HEAD`). */
export async function remoteDefaultBranch(git: SimpleGit, remote: string): Promise<string> {
  let ref = "";
  try {
    ref = (await git.raw(["symbolic-ref", "--quiet", `refs/remotes/${remote}/HEAD`])).trim();
  } catch {
    // not set: fall through to the hint
  }
  const prefix = `refs/remotes/${remote}/`;
  if (!ref.startsWith(prefix))
    throw new ConfigSourceError(
      `the workspace does not know ${remote}'s default branch (refs/remotes/${remote}/HEAD is not set); run \`git remote set-head ${remote} --auto\` in it`,
    );
  return ref.slice(prefix.length);
}

/**
 * Reads `.github/orchestrator.yml` as it is on the default branch of the workspace's remote, never
 * from whatever is checked out: a deployed feature branch must not be able to loosen the policy that
 * deploys it (the design's "read from the default branch only").
 */
export async function readDefaultBranchConfig(
  workspace: string,
  options: DefaultBranchConfigOptions = {},
): Promise<DefaultBranchConfig> {
  const remote = options.remote ?? "origin";
  if (!existsSync(workspace)) throw new ConfigSourceError(`workspace ${workspace} does not exist`);
  const git = openWorkspace(workspace, { token: options.token });
  if (!(await git.checkIsRepo()))
    throw new ConfigSourceError(`workspace ${workspace} is not a git checkout (clone the repository there)`);
  const remotes = (await git.raw(["remote"])).split("\n").map((r) => r.trim());
  if (!remotes.includes(remote))
    throw new ConfigSourceError(
      `workspace ${workspace} has no '${remote}' remote to read the default branch's ${CONFIG_PATH} from`,
    );
  const branch = await remoteDefaultBranch(git, remote);
  const tracking = `refs/remotes/${remote}/${branch}`;
  let fetchError: string | undefined;
  if (options.fetch) {
    try {
      await git.raw(["fetch", "--quiet", "--no-tags", remote, `+refs/heads/${branch}:${tracking}`]);
    } catch (error) {
      fetchError = error instanceof Error ? error.message.trim() : String(error);
    }
  }
  const sha = await resolveCommit(git, tracking);
  if (!sha)
    throw new ConfigSourceError(
      `${remote}/${branch} (the default branch) is not in workspace ${workspace}${fetchError ? `; fetching it failed: ${fetchError}` : "; fetch it first"}`,
    );
  const text = await showFile(git, sha, CONFIG_PATH);
  if (text === null)
    throw new ConfigSourceError(
      `no ${CONFIG_PATH} on ${remote}/${branch} (the default branch, at ${sha.slice(0, 12)}) of workspace ${workspace}`,
    );
  const parsed = parseConfigText(text);
  if (!parsed.ok)
    throw new ConfigSourceError(
      `${CONFIG_PATH} on ${remote}/${branch} (${sha.slice(0, 12)}) is invalid:\n${formatConfigErrors(parsed.errors)}`,
    );
  return { config: parsed.config, branch, sha, ...(fetchError ? { fetchError } : {}) };
}
