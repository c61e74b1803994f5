import type { Context } from "probot";
import type { Trust } from "../deploy/app-identity.js";
import { withSkewTolerantJwt } from "../github/app-jwt.js";
import { createWritePacer, type WriteGroup } from "./write-pacing.js";
import type { AppClient } from "../github/app-client.js";

type RepoContext = Pick<Context, "octokit" | "log" | "repo"> & {
  payload: { repository?: { default_branch?: string } | null };
};

/** The AppClient of the event's repository. */
export function clientFor(context: RepoContext, trust: Trust, log = context.log): AppClient {
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

type OctokitOptions = Record<string, unknown>;
interface DefaultableRequest {
  defaults(options: { baseUrl: string }): unknown;
}

/**
 * Options for the app's Octokit (`npm start`): the App JWT tolerates a minute of clock skew, and the
 * request App auth mints installation tokens with goes to the configured server. Probot hands App auth
 * a request without the base URL; the token minted by `octokit.auth({ type: "installation" })` (the
 * redactor's hook calls it) would otherwise be asked of api.github.com even on GitHub Enterprise.
 * Writes are paced in bursts (write-pacing.ts) instead of one a second (notifying ones: three) always.
 */
export function appOctokitOptions(
  options: OctokitOptions,
  pacers: AppPacers = createAppPacers(),
): OctokitOptions {
  const paced = withWritePacing(options, pacers);
  const withJwt = withSkewTolerantJwt(paced);
  const auth = withJwt.auth as { request?: unknown } | undefined;
  const baseUrl = typeof options.baseUrl === "string" ? options.baseUrl : null;
  const request = auth?.request as DefaultableRequest | undefined;
  if (!baseUrl || !auth || typeof request?.defaults !== "function") return withJwt;
  return { ...withJwt, auth: { ...auth, request: request.defaults({ baseUrl }) } };
}

export interface AppPacers {
  write: WriteGroup;
  notifications: WriteGroup;
}

/** One set per server, shared by all its installation clients (GitHub counts per App installation). */
export function createAppPacers(): AppPacers {
  return {
    write: createWritePacer(),
    // Writes that notify people (PRs, comments): bursts of 5, then one every 3 s (Octokit's spacing).
    notifications: createWritePacer({ burst: 5, refillMs: 3_000 }),
  };
}

/** The throttling plugin's write groups replaced by the app's pacers (when throttling is configured). */
function withWritePacing(options: OctokitOptions, pacers: AppPacers): OctokitOptions {
  const throttle = options.throttle as Record<string, unknown> | undefined;
  if (!throttle || typeof throttle !== "object" || throttle.enabled === false) return options;
  return { ...options, throttle: { ...throttle, write: pacers.write, notifications: pacers.notifications } };
}
