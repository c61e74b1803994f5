import { ProbotOctokit } from "probot";
import { redactRequests } from "../../src/redact/octokit-redaction.js";
import { redactor as processRedactor, type Redactor } from "../../src/redact/redactor.js";
import { skewTolerantJwt } from "../../src/github/app-jwt.js";
import type { OctokitLog } from "./octokit-log.js";
import { errorMessage } from "../../github/errors.js";

/** The Octokit the runner uses: Probot's (retry, throttling, pagination, enterprise compatibility). */
export type RunnerOctokit = InstanceType<typeof ProbotOctokit>;

export interface InstallationClientOptions {
  appId: number;
  privateKey: string;
  owner: string;
  repo: string;
  baseUrl: string;
  log?: OctokitLog;
  /** Extra Octokit options (tests turn retry and throttling off). */
  octokitOptions?: Record<string, unknown>;
  now?: () => number;
  /** Registers each minted token and redacts every request body; defaults to the process's redactor. */
  redactor?: Pick<Redactor, "add" | "redact" | "redactDeep">;
}

/** The installation of the App on one repository, with a token that is re-minted before it expires. */
export interface InstallationClient {
  readonly owner: string;
  readonly repo: string;
  /** An Octokit authenticated as the installation (mints or refreshes the token when needed). */
  octokit(): Promise<RunnerOctokit>;
  /** The current installation token, for git fetches (sent in a header, never in a URL). */
  token(): Promise<string>;
}

interface Minted {
  token: string;
  expiresAt: number;
  octokit: RunnerOctokit;
}

/** Re-mint when less than this is left, so a token never expires in the middle of a report. */
const REFRESH_MARGIN_MS = 10 * 60_000;

/**
 * App JWT -> GET /repos/{owner}/{repo}/installation -> POST /app/installations/{id}/access_tokens,
 * scoped to the one repository. Every minted token is registered with the redactor before use.
 */
export function createInstallationClient(options: InstallationClientOptions): InstallationClient {
  const now = options.now ?? Date.now;
  const redactor = options.redactor ?? processRedactor;
  // Every request either client sends has its parameters and body redacted first.
  const Octokit = ProbotOctokit.plugin(redactRequests(redactor));
  const common = {
    baseUrl: options.baseUrl,
    ...(options.log ? { log: options.log } : {}),
    ...options.octokitOptions,
  };
  const app = new Octokit({
    ...common,
    // iat set back a minute: a GitHub whose clock is behind ours still accepts the JWT.
    auth: { appId: options.appId, createJwt: skewTolerantJwt(options.privateKey, now) },
  });
  let installationId: number | null = null;
  let current: Minted | null = null;
  let minting: Promise<Minted> | null = null;

  async function mint(): Promise<Minted> {
    if (installationId === null) {
      const { data } = await app.rest.apps
        .getRepoInstallation({ owner: options.owner, repo: options.repo })
        .catch((error: unknown) => {
          throw explainInstallationError(error, options.owner, options.repo);
        });
      installationId = data.id;
    }
    const { data } = await app.rest.apps.createInstallationAccessToken({
      installation_id: installationId,
      repositories: [options.repo],
    });
    redactor.add(data.token);
    const octokit = new Octokit({ ...common, auth: { token: data.token } });
    return { token: data.token, expiresAt: Date.parse(data.expires_at), octokit };
  }

  async function fresh(): Promise<Minted> {
    if (current && current.expiresAt - now() > REFRESH_MARGIN_MS) return current;
    // Concurrent callers share one mint.
    minting ??= mint().finally(() => {
      minting = null;
    });
    current = await minting;
    return current;
  }

  return {
    owner: options.owner,
    repo: options.repo,
    octokit: async () => (await fresh()).octokit,
    token: async () => (await fresh()).token,
  };
}

/** Turns the usual installation lookup failures into what the operator should do. */
function explainInstallationError(error: unknown, owner: string, repo: string): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  const reason = errorMessage(error);
  if (status === 404) {
    return Object.assign(
      new Error(
        `the GitHub App is not installed on ${owner}/${repo} (GET /repos/${owner}/${repo}/installation: 404); install it there or fix RUNNER_REPO`,
      ),
      { status },
    );
  }
  if (status === 401) {
    return Object.assign(
      new Error(
        `GitHub rejected the App's JWT (401): check APP_ID and that PRIVATE_KEY belongs to that App (${reason})`,
      ),
      { status },
    );
  }
  return error;
}
