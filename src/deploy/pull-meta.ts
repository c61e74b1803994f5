import type { AppClient } from "../github/app-client.js";
import { readMetaMarker, type FixMeta } from "../render/meta-marker.js";

/**
 * The app's signed metadata of a PR, or null. A marker that is there but not trusted (not at the very
 * start, unsigned, signed for another repository or branch) makes the PR "not ours", with a log line
 * saying why.
 */
export function pullMeta(
  client: Pick<AppClient, "owner" | "repo" | "trust" | "log">,
  pull: { number: number; body: string | null; head: { ref: string } },
): FixMeta | null {
  const read = readMetaMarker(pull.body, client.trust.key, {
    repo: `${client.owner}/${client.repo}`,
    branch: pull.head.ref,
  });
  if (read.kind === "ignored")
    client.log.warn(
      { pr: pull.number, why: read.why },
      "ignoring the PR's orchestrator marker: treating it as not ours",
    );
  return read.kind === "ok" ? read.meta : null;
}
