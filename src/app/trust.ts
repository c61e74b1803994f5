import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { appIdentity, cachedIdentity, type Trust } from "../deploy/app-identity.js";
import { deriveSigningKey, type SigningKey } from "../deploy/signing.js";
import { errorMessage } from "../../github/errors.js";

type ReadFile = (path: string) => string;

/**
 * The signing key from the environment the app runs with: ORCHESTRATOR_SIGNING_KEY, else PRIVATE_KEY,
 * else the file at PRIVATE_KEY_PATH. Returns the problem instead of throwing, so the setup mode
 * (no App yet) still starts; nothing is signed or trusted then.
 */
export function signingKeyFromEnv(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = (p) => readFileSync(p, "utf8"),
): { key: SigningKey; keyProblem: null } | { key: null; keyProblem: string } {
  try {
    let privateKey = env.PRIVATE_KEY?.trim() || null;
    const path = env.PRIVATE_KEY_PATH?.trim();
    if (!privateKey && !env.ORCHESTRATOR_SIGNING_KEY?.trim() && path) {
      try {
        privateKey = readFile(path);
      } catch (error) {
        return {
          key: null,
          keyProblem: `PRIVATE_KEY_PATH ${path} cannot be read (${errorMessage(error)})`,
        };
      }
    }
    return {
      key: deriveSigningKey({ secret: env.ORCHESTRATOR_SIGNING_KEY ?? null, privateKey }),
      keyProblem: null,
    };
  } catch (error) {
    return { key: null, keyProblem: errorMessage(error) };
  }
}

const trusts = new WeakMap<Probot, Trust>();

/**
 * One Trust per Probot instance, shared by the fix and deploy halves: the key read once from the
 * environment, the App's bot from `GET /app` (App JWT), looked up once and cached.
 */
export function trustFor(app: Probot, env: NodeJS.ProcessEnv = process.env): Trust {
  let trust = trusts.get(app);
  if (!trust) {
    const { key, keyProblem } = signingKeyFromEnv(env);
    if (keyProblem)
      app.log.warn({ why: keyProblem }, "no signing key: deployments cannot be signed or trusted");
    trust = {
      key,
      keyProblem,
      identity: cachedIdentity(async () => {
        const octokit = await app.auth();
        const { data } = await octokit.request("GET /app");
        return appIdentity(data ?? {});
      }),
    };
    trusts.set(app, trust);
  }
  return trust;
}
