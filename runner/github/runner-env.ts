import { readFileSync } from "node:fs";
import { errorMessage } from "../../github/errors.js";

/** A missing or malformed environment variable; the message names it and says what to set. */
export class RunnerConfigError extends Error {
  override readonly name = "RunnerConfigError";
}

/** What `orchestrator-runner start` needs to reach GitHub, read from Probot's env plus the runner's own. */
export interface RunnerGitHubEnv {
  appId: number;
  privateKey: string;
  owner: string;
  repo: string;
  /** REST base URL: https://api.github.com, or `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`. */
  baseUrl: string;
  /** Where the workspace fetches from (the token goes in a header, never in this URL). */
  gitRemote: string;
  /** Environments named in RUNNER_ENVIRONMENT; null means every environment of the config's services. */
  environments: string[] | null;
  pollIntervalMs: number;
  /** Loopback status API port, or null when RUNNER_STATUS_PORT is unset. */
  statusPort: number | null;
  /** RUNNER_DISPATCH_RUNTIME_FAILURES: send `orchestrator.runtime_failure` when a deploy crash-loops. */
  dispatchRuntimeFailures: boolean;
}

export const DEFAULT_POLL_INTERVAL_MS = 15_000;
const MIN_POLL_INTERVAL_MS = 1_000;

type ReadFile = (path: string) => string;

/**
 * Reads and checks the environment. Pure apart from reading PRIVATE_KEY_PATH (injectable), so every
 * refusal can be tested; each error names the variable to fix.
 */
export function readRunnerEnv(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = (p) => readFileSync(p, "utf8"),
): RunnerGitHubEnv {
  const appIdText = env.APP_ID?.trim();
  if (!appIdText) throw new RunnerConfigError("APP_ID is not set: set it to the GitHub App's numeric id");
  if (!/^\d+$/.test(appIdText))
    throw new RunnerConfigError(`APP_ID must be the App's numeric id, got '${appIdText}'`);

  const privateKey = privateKeyFrom(env, readFile);

  const repoText = env.RUNNER_REPO?.trim();
  if (!repoText)
    throw new RunnerConfigError(
      "RUNNER_REPO is not set: set it to the repository the runner deploys, as owner/name",
    );
  const repoMatch = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9_.-]+)$/.exec(repoText);
  if (!repoMatch) throw new RunnerConfigError(`RUNNER_REPO must look like owner/name, got '${repoText}'`);
  const [, owner, repo] = repoMatch as unknown as [string, string, string];

  const host = env.GHE_HOST?.trim();
  const protocol = env.GHE_PROTOCOL?.trim() || "https";
  if (!/^https?$/.test(protocol))
    throw new RunnerConfigError(`GHE_PROTOCOL must be http or https, got '${protocol}'`);
  if (host && !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host))
    throw new RunnerConfigError(`GHE_HOST must be a host name (optionally :port), got '${host}'`);
  const baseUrl = host ? `${protocol}://${host}/api/v3` : "https://api.github.com";
  const gitRemote = `${host ? `${protocol}://${host}` : "https://github.com"}/${owner}/${repo}.git`;

  const environments = env.RUNNER_ENVIRONMENT?.trim()
    ? [
        ...new Set(
          env.RUNNER_ENVIRONMENT.split(",")
            .map((e) => e.trim())
            .filter(Boolean),
        ),
      ]
    : null;

  return {
    appId: Number(appIdText),
    privateKey,
    owner,
    repo,
    baseUrl,
    gitRemote,
    environments: environments && environments.length > 0 ? environments : null,
    pollIntervalMs: pollIntervalFrom(env.RUNNER_POLL_INTERVAL),
    statusPort: portFrom(env.RUNNER_STATUS_PORT),
    dispatchRuntimeFailures: switchFrom(
      "RUNNER_DISPATCH_RUNTIME_FAILURES",
      env.RUNNER_DISPATCH_RUNTIME_FAILURES,
      true,
    ),
  };
}

function privateKeyFrom(env: NodeJS.ProcessEnv, readFile: ReadFile): string {
  let key = env.PRIVATE_KEY?.trim();
  const path = env.PRIVATE_KEY_PATH?.trim();
  if (!key && path) {
    try {
      key = readFile(path).trim();
    } catch (error) {
      throw new RunnerConfigError(`PRIVATE_KEY_PATH ${path} cannot be read: ${errorMessage(error)}`);
    }
  }
  if (!key)
    throw new RunnerConfigError(
      "neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set: set one to the GitHub App's private key (PEM)",
    );
  // Probot accepts keys whose newlines were escaped to fit in one env line.
  key = key.replace(/\\n/g, "\n");
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    throw new RunnerConfigError(
      `${env.PRIVATE_KEY?.trim() ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH"} does not hold a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' line)`,
    );
  }
  return key;
}

/** `RUNNER_POLL_INTERVAL`: a number of seconds, or `500ms` / `15s` / `2m`; at least one second. */
export function pollIntervalFrom(text: string | undefined): number {
  const value = text?.trim();
  if (!value) return DEFAULT_POLL_INTERVAL_MS;
  const match = /^(\d+)(ms|s|m)?$/.exec(value);
  if (!match)
    throw new RunnerConfigError(
      `RUNNER_POLL_INTERVAL must be seconds or a duration like 15s, 2m; got '${value}'`,
    );
  const n = Number(match[1]);
  const ms = match[2] === "ms" ? n : match[2] === "m" ? n * 60_000 : n * 1000;
  if (ms < MIN_POLL_INTERVAL_MS)
    throw new RunnerConfigError(`RUNNER_POLL_INTERVAL must be at least 1s, got '${value}'`);
  return ms;
}

function portFrom(text: string | undefined): number | null {
  const value = text?.trim();
  if (!value) return null;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new RunnerConfigError(`RUNNER_STATUS_PORT must be a port number 1-65535, got '${value}'`);
  return port;
}

const ON = new Set(["1", "true", "yes", "on"]);
const OFF = new Set(["0", "false", "no", "off"]);

/** An on/off variable: 1/0, true/false, yes/no, on/off (any case); unset or empty means `fallback`. */
export function switchFrom(name: string, text: string | undefined, fallback: boolean): boolean {
  const value = text?.trim().toLowerCase();
  if (!value) return fallback;
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw new RunnerConfigError(
    `${name} must be one of 1, 0, true, false, yes, no, on, off; got '${text?.trim()}'`,
  );
}
