import type { Context } from "probot";
import { withSkewTolerantJwt } from "../github/app-jwt.js";
import type { RepoClient } from "../github/types.js";

type RepoContext = Pick<Context, "octokit" | "log" | "repo"> & {
  payload: { repository?: { default_branch?: string } | null };
};

/** The RepoClient of the event's repository. */
export function clientFor(context: RepoContext, log = context.log): RepoClient {
  const { owner, repo } = context.repo();
  return {
    octokit: context.octokit,
    log,
    owner,
    repo,
    defaultBranch: context.payload.repository?.default_branch ?? "main",
  };
}

/** Bots never drive orchestrator: `type: Bot`, or a login ending in `[bot]` (GitHub Apps, this one included). */
export function isBotUser(user: { login: string; type?: string } | null | undefined): boolean {
  return !user || user.type === "Bot" || user.login.endsWith("[bot]");
}

type OctokitOptions = Record<string, unknown>;
interface DefaultableRequest {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Options for the app's Octokit (`npm start`): the App JWT tolerates a minute of clock skew, and the
 * request App auth mints installation tokens with goes to the configured server. Probot hands App auth
 * a request without the base URL; the token minted by `octokit.auth({ type: "installation" })` (the
 * redactor's hook calls it) would otherwise be asked of api.github.com even on GitHub Enterprise.
 */
export function appOctokitOptions(options: OctokitOptions): OctokitOptions {
  const withJwt = withSkewTolerantJwt(options);
  const auth = withJwt.auth as { request?: unknown } | undefined;
  const baseUrl = typeof options.baseUrl === "string" ? options.baseUrl : null;
  const request = auth?.request as DefaultableRequest | undefined;
  if (!baseUrl || !auth || typeof request?.defaults !== "function") return withJwt;
  return { ...withJwt, auth: { ...auth, request: request.defaults({ baseUrl }) } };
}
