import { z } from "zod";
import { markerSignedText, sign, verify, type SigningKey } from "../deploy/signing.js";

/**
 * The hidden `<!-- orchestrator:meta {json} -->` marker in fix PR bodies: the app keeps no database, so
 * the PR itself carries what later events need (service, fingerprint, finding, run url).
 *
 * It is trusted only when it is the very first thing in the body (no user text can come before it)
 * and its `sig` is the app's HMAC over the repository, the PR's branch and its fields (signing.ts): a
 * marker copied into a log line, into another PR or onto another branch is ignored.
 */

export const fixMetaSchema = z.object({
  v: z.literal(1),
  service: z.string(),
  fingerprint: z.string(),
  finding: z.object({
    kind: z.string(),
    missing: z.string(),
    package: z.string(),
    ecosystem: z.string(),
  }),
  run_url: z.string().nullable(),
  base_sha: z.string(),
});

export type FixMeta = z.infer<typeof fixMetaSchema>;

const signedMetaSchema = fixMetaSchema.extend({ sig: z.string() });

/** Where a marker belongs: the repository (owner/name) and the fix PR's head branch. */
export interface MarkerScope {
  repo: string;
  branch: string;
}

const PREFIX = "<!-- orchestrator:meta ";
const AT_START = /^<!-- orchestrator:meta (\{[^\n]*?\}) -->/;

/** The fields in a fixed order, so the signed text never depends on how an object was built. */
function canonical(meta: FixMeta): unknown[] {
  const f = meta.finding;
  return [
    meta.v,
    meta.service,
    meta.fingerprint,
    [f.kind, f.missing, f.package, f.ecosystem],
    meta.run_url,
    meta.base_sha,
  ];
}

export function renderMetaMarker(meta: FixMeta, key: SigningKey, scope: MarkerScope): string {
  const plain = fixMetaSchema.parse(meta);
  const sig = sign(key, markerSignedText(scope.repo, scope.branch, canonical(plain)));
  // JSON never contains a raw newline; escaping < and > keeps `-->` out of the comment.
  const json = JSON.stringify({ ...plain, sig })
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e");
  return `${PREFIX}${json} -->`;
}

export type MarkerRead =
  | { kind: "none" }
  /** A marker is there, but not one to trust; `why` is for the log line. */
  | { kind: "ignored"; why: string }
  | { kind: "ok"; meta: FixMeta };

/** Reads the marker at the very start of a PR body and checks its signature. */
export function readMetaMarker(
  body: string | null | undefined,
  key: SigningKey | null,
  scope: MarkerScope,
): MarkerRead {
  const text = body ?? "";
  const match = AT_START.exec(text);
  if (!match) {
    return text.includes(PREFIX)
      ? { kind: "ignored", why: "an orchestrator marker that is not at the very start of the body" }
      : { kind: "none" };
  }
  let parsed: z.infer<typeof signedMetaSchema>;
  try {
    const result = signedMetaSchema.safeParse(JSON.parse(match[1]!));
    if (!result.success) return { kind: "ignored", why: "the marker's fields are invalid or unsigned" };
    parsed = result.data;
  } catch {
    return { kind: "ignored", why: "the marker is not valid JSON" };
  }
  if (!key) return { kind: "ignored", why: "no signing key to check the marker with" };
  const { sig, ...meta } = parsed;
  if (!verify(key, markerSignedText(scope.repo, scope.branch, canonical(meta)), sig))
    return {
      kind: "ignored",
      why: `the marker's signature is not the app's for ${scope.repo} branch ${scope.branch}`,
    };
  return { kind: "ok", meta };
}

/** The trusted metadata of a PR body, or null (no marker, or one that is not the app's). */
export function parseMetaMarker(
  body: string | null | undefined,
  key: SigningKey | null,
  scope: MarkerScope,
): FixMeta | null {
  const read = readMetaMarker(body, key, scope);
  return read.kind === "ok" ? read.meta : null;
}
