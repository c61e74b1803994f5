/**
 * Signed forms for tests: the key the app and the runner derive from the test App's private key,
 * deployment payloads signed like the app signs them, and the `GET /app` answer that names the bot.
 */
import type { AppIdentity, Trust } from "../../src/deploy/app-identity.js";
import type { DeploymentPayload } from "../../contract/deployment.js";
import { deploymentSignedText, deriveSigningKey, sign, type SigningKey } from "../../src/deploy/signing.js";
import { renderMetaMarker, type FixMeta } from "../../src/render/meta-marker.js";
import { TEST_APP_ID, TEST_APP_SLUG, testPrivateKey, type GitHubHarness } from "./github.js";
import { TEST_OWNER, TEST_REPO } from "./webhook-examples.js";

export const TEST_FULL_REPO = `${TEST_OWNER}/${TEST_REPO}`;
export const BOT_LOGIN = `${TEST_APP_SLUG}[bot]`;
export const BOT_USER = { login: BOT_LOGIN, id: 9_000_001, type: "Bot" } as const;
export const TEST_IDENTITY: AppIdentity = { id: TEST_APP_ID, slug: TEST_APP_SLUG, botLogin: BOT_LOGIN };

let key: SigningKey | null = null;

/** The key both processes derive from the test App's private key. */
export function testSigningKey(): SigningKey {
  key ??= deriveSigningKey({ privateKey: testPrivateKey() });
  return key;
}

/** A Trust with the test key and a fixed identity (for pure code and fakes that need no GET /app). */
export function testTrust(): Trust & { key: SigningKey } {
  return { key: testSigningKey(), keyProblem: null, identity: async () => TEST_IDENTITY };
}

export type UnsignedPayload = Omit<DeploymentPayload, "sig" | "signed_at"> & { signed_at?: string };

/** The payload as the app creates it for this deployment (signed_at defaults to its creation time). */
export function signPayload(
  fields: UnsignedPayload,
  where: { environment: string; sha: string; createdAt: string; repo?: string },
  signingKey: SigningKey = testSigningKey(),
): DeploymentPayload {
  const signed = { ...fields, signed_at: fields.signed_at ?? new Date(where.createdAt).toISOString() };
  const sig = sign(
    signingKey,
    deploymentSignedText({
      ...signed,
      repo: where.repo ?? TEST_FULL_REPO,
      environment: where.environment,
      sha: where.sha,
    }),
  );
  return { ...signed, sig };
}

/** A fix PR marker signed for the test repository and `branch`. */
export function signedMarker(meta: FixMeta, branch: string, repo = TEST_FULL_REPO): string {
  return renderMetaMarker(meta, testSigningKey(), { repo, branch });
}

/**
 * `GET /app`, answered once (the lookup is cached per app / runner), only for a request signed with
 * the App's JWT. Optional: not every test reaches a check that needs the bot's identity.
 */
export function mockAppIdentity(gh: GitHubHarness, options: { optional?: boolean } = {}): void {
  const interceptor = gh.github.get("/app").matchHeader("authorization", /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
  (options.optional === false ? interceptor : interceptor.optionally()).reply(200, {
    id: TEST_APP_ID,
    slug: TEST_APP_SLUG,
    node_id: "A_1",
    name: "orchestrator",
    owner: { login: TEST_OWNER, id: 1, type: "Organization" },
    description: "",
    external_url: "https://example.com",
    html_url: `https://github.com/apps/${TEST_APP_SLUG}`,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    permissions: {},
    events: [],
  });
}
