import { ProbotOctokit } from "probot";
import { skewTolerantJwt } from "../../src/github/app-jwt.js";
import { appIdentity, cachedIdentity, type AppIdentity, type Trust } from "../../src/deploy/app-identity.js";
import { deriveSigningKey } from "../../src/deploy/signing.js";

export interface RunnerTrustOptions {
  appId: number;
  privateKey: string;
  baseUrl: string;
  /** ORCHESTRATOR_SIGNING_KEY: when set, the same value must be set on the app. */
  signingSecret?: string | undefined;
  /** Extra Octokit options (tests turn retry and throttling off). */
  octokitOptions?: Record<string, unknown>;
}

/** The runner's Trust always has a key: it refuses to start without one. */
export type RunnerTrust = Trust & { key: NonNullable<Trust["key"]> };

/**
 * What the runner checks every deployment against: the App's bot (`GET /app` with the App's JWT, looked
 * up once and cached) and the signing key derived from ORCHESTRATOR_SIGNING_KEY or the private key.
 * Throws SigningKeyError (naming the variable) when no key can be derived.
 */
export function createRunnerTrust(options: RunnerTrustOptions): RunnerTrust {
  const key = deriveSigningKey({ secret: options.signingSecret ?? null, privateKey: options.privateKey });
  const app = new ProbotOctokit({
    baseUrl: options.baseUrl,
    ...options.octokitOptions,
    // iat set back a minute, like the installation client: a GitHub whose clock is behind still accepts it.
    auth: { appId: options.appId, createJwt: skewTolerantJwt(options.privateKey) },
  });
  const identity = cachedIdentity(async (): Promise<AppIdentity> => {
    const { data } = await app.request("GET /app");
    return appIdentity(data ?? {});
  });
  return { key, keyProblem: null, identity };
}
