import { describe, expect, it } from "vitest";
import { parseMetaMarker, renderMetaMarker, type FixMeta } from "../../src/render/meta-marker.js";

const meta: FixMeta = {
  v: 1,
  service: "api",
  fingerprint: "abc123",
  finding: { kind: "node_module", missing: "--><script>", package: "left-pad", ecosystem: "npm" },
  run_url: "https://github.com/acme/stack/actions/runs/1",
  base_sha: "b".repeat(40),
};

describe("meta marker", () => {
  it("round-trips through a PR body and cannot be closed early by its content", () => {
    const marker = renderMetaMarker(meta);
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(parseMetaMarker(`text before\n\n${marker}\n`)).toEqual(meta);
  });

  it.each([
    null,
    "",
    "no marker",
    "<!-- orchestrator:meta {not json} -->",
    '<!-- orchestrator:meta {"v":2} -->',
  ])("returns null for %j", (body) => {
    expect(parseMetaMarker(body)).toBeNull();
  });
});
