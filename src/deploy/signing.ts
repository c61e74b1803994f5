import { createHash, createHmac, createPrivateKey, timingSafeEqual } from "node:crypto";

/**
 * The HMAC both processes use to tell the app's own deployment payloads and PR markers from copies.
 * The key is derived, never sent: from ORCHESTRATOR_SIGNING_KEY when set (the same value on the app
 * and the runner), else from the GitHub App's private key, which both already hold. Pure.
 */

const DOMAIN = "orchestrator signing key v1";
/** A configured secret must be at least this long (a random 32+ character string is the intent). */
export const MIN_SIGNING_SECRET_LENGTH = 32;

/** An opaque key: it never prints, logs or serializes its bytes. */
export class SigningKey {
  readonly #bytes: Buffer;
  /** Where the key came from, for log lines ("ORCHESTRATOR_SIGNING_KEY" or "the App's private key"). */
  readonly source: string;

  constructor(bytes: Buffer, source: string) {
    this.#bytes = bytes;
    this.source = source;
  }

  hmac(text: string): string {
    return createHmac("sha256", this.#bytes).update(text, "utf8").digest("hex");
  }

  toJSON(): string {
    return `[signing key from ${this.source}]`;
  }

  toString(): string {
    return this.toJSON();
  }
}

/** A missing or unusable key source; the message names the variable to fix. */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
}

/**
 * The key from a configured secret or, without one, from the App's private key (PEM, PKCS#1 or
 * PKCS#8: the key's DER is hashed, so both encodings of one key give the same signing key).
 */
export function deriveSigningKey(input: { secret?: string | null; privateKey?: string | null }): SigningKey {
  const secret = input.secret?.trim();
  if (secret) {
    if (secret.length < MIN_SIGNING_SECRET_LENGTH)
      throw new SigningKeyError(
        `ORCHESTRATOR_SIGNING_KEY is too short (${secret.length} characters): use at least ${MIN_SIGNING_SECRET_LENGTH} random characters, the same on the app and the runner`,
      );
    return new SigningKey(digest("secret", Buffer.from(secret, "utf8")), "ORCHESTRATOR_SIGNING_KEY");
  }
  const pem = input.privateKey?.replace(/\\n/g, "\n").trim();
  if (!pem)
    throw new SigningKeyError(
      "no signing key: set ORCHESTRATOR_SIGNING_KEY, or PRIVATE_KEY / PRIVATE_KEY_PATH (the App's private key)",
    );
  let der: Buffer;
  try {
    der = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
  } catch {
    throw new SigningKeyError(
      "the App's private key (PRIVATE_KEY / PRIVATE_KEY_PATH) is not a readable PEM private key, so no signing key can be derived from it",
    );
  }
  return new SigningKey(digest("private-key", der), "the App's private key");
}

function digest(kind: string, material: Buffer): Buffer {
  return createHash("sha256").update(`${DOMAIN}\0${kind}\0`, "utf8").update(material).digest();
}

/** The signature of `text` under `key`: 64 lowercase hex characters. */
export function sign(key: SigningKey, text: string): string {
  return key.hmac(text);
}

export const SIGNATURE = /^[0-9a-f]{64}$/;

/** Constant-time comparison of `sig` with the signature of `text`. */
export function verify(key: SigningKey, text: string, sig: string | null | undefined): boolean {
  if (typeof sig !== "string" || !SIGNATURE.test(sig)) return false;
  return timingSafeEqual(Buffer.from(key.hmac(text), "hex"), Buffer.from(sig, "hex"));
}

/** What a deployment signature covers: where it may run, which commit, and the whole payload. */
export interface DeploymentFacts {
  /** owner/name (GitHub treats it case-insensitively, so does the signature). */
  repo: string;
  environment: string;
  sha: string;
  service: string;
  pr: number | null;
  reason: string;
  requested_by: string;
  rollback_of?: number | undefined;
  signed_at: string;
}

export function deploymentSignedText(f: DeploymentFacts): string {
  return JSON.stringify([
    "orchestrator:deployment:v1",
    f.repo.toLowerCase(),
    f.environment,
    f.sha.toLowerCase(),
    f.service,
    f.pr,
    f.reason,
    f.requested_by,
    f.rollback_of ?? null,
    f.signed_at,
  ]);
}

/**
 * How far a payload's `signed_at` may be from the deployment's `created_at`. A real deployment is
 * created right after it is signed; a payload copied into a new deployment later is refused.
 */
export const SIGNATURE_WINDOW_MS = 10 * 60_000;

/** Why a deployment's signature is not acceptable, or null when it is. */
export function deploymentSignatureProblem(
  key: SigningKey,
  facts: DeploymentFacts,
  sig: string | null | undefined,
  createdAt: string,
): string | null {
  if (typeof sig !== "string" || sig === "") return "the payload is not signed by the app (no sig)";
  if (!verify(key, deploymentSignedText(facts), sig))
    return "the payload signature does not match this repository, environment, commit and payload";
  const signed = Date.parse(facts.signed_at);
  const created = Date.parse(createdAt);
  if (Number.isNaN(signed) || Number.isNaN(created) || Math.abs(created - signed) > SIGNATURE_WINDOW_MS)
    return `the payload was signed at ${facts.signed_at}, not when this deployment was created (${createdAt}): a copied payload`;
  return null;
}

/** What a PR marker signature covers: the repository, the PR's branch and the marker's fields. */
export function markerSignedText(repo: string, branch: string, fields: unknown): string {
  return JSON.stringify(["orchestrator:meta:v1", repo.toLowerCase(), branch, fields]);
}
