import { z } from "zod";

/**
 * The hidden `<!-- orchestrator:meta {json} -->` marker in fix PR bodies: the app keeps no database, so
 * the PR itself carries what later events need (service, fingerprint, finding, run url).
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

const MARKER = /<!-- orchestrator:meta (\{.*?\}) -->/s;

export function renderMetaMarker(meta: FixMeta): string {
  // JSON never contains a raw newline; escaping < and > keeps `-->` out of the comment.
  const json = JSON.stringify(meta).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return `<!-- orchestrator:meta ${json} -->`;
}

/** The metadata of a PR body, or null when there is no (valid) marker. */
export function parseMetaMarker(body: string | null | undefined): FixMeta | null {
  const match = body ? MARKER.exec(body) : null;
  if (!match) return null;
  try {
    const parsed = fixMetaSchema.safeParse(JSON.parse(match[1]!));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
