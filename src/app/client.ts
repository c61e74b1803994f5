import type { Context } from "probot";
import type { Trust } from "../deploy/app-identity.js";
import type { RepoClient } from "../github/types.js";

type RepoContext = Pick<Context, "octokit" | "log" | "repo"> & {
  payload: { repository?: { default_branch?: string } | null };
};

/** The RepoClient of the event's repository. */
export function clientFor(context: RepoContext, trust: Trust, log = context.log): RepoClient {
  const { owner, repo } = context.repo();
  return {
    octokit: context.octokit,
    log,
    owner,
    repo,
    defaultBranch: context.payload.repository?.default_branch ?? "main",
    trust,
  };
}

/** Bots never drive orchestrator: `type: Bot`, or a login ending in `[bot]` (GitHub Apps, this one included). */
export function isBotUser(user: { login: string; type?: string } | null | undefined): boolean {
  return !user || user.type === "Bot" || user.login.endsWith("[bot]");
}
