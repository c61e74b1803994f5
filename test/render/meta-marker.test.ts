import { describe, expect, it } from "vitest";
import { deriveSigningKey } from "../../src/deploy/signing.js";
import {
  parseMetaMarker,
  readMetaMarker,
  renderMetaMarker,
  type FixMeta,
} from "../../src/render/meta-marker.js";
import { testSigningKey } from "../helpers/signing.js";

const meta: FixMeta = {
  v: 1,
  service: "api",
  fingerprint: "abc123",
  finding: { kind: "node_module", missing: "--><script>", package: "left-pad", ecosystem: "npm" },
  run_url: "https://github.com/acme/stack/actions/runs/1",
  base_sha: "b".repeat(40),
};
const scope = { repo: "acme/stack", branch: "orchestrator/api/abc123" };

describe("meta marker", () => {
  it("round-trips at the start of a PR body and cannot be closed early by its content", () => {
    const marker = renderMetaMarker(meta, testSigningKey(), scope);
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(parseMetaMarker(`${marker}\n\ntext after\n`, testSigningKey(), scope)).toEqual(meta);
  });

  it("checks the signature against the repository and branch, case-insensitively for the repository", () => {
    const body = renderMetaMarker(meta, testSigningKey(), scope);
    expect(parseMetaMarker(body, testSigningKey(), { ...scope, repo: "ACME/Stack" })).toEqual(meta);
    expect(readMetaMarker(body, testSigningKey(), { ...scope, branch: "orchestrator/web/abc123" })).toEqual({
      kind: "ignored",
      why: "the marker's signature is not the app's for acme/stack branch orchestrator/web/abc123",
    });
    const otherKey = deriveSigningKey({ secret: "x".repeat(40) });
    expect(readMetaMarker(body, otherKey, scope).kind).toBe("ignored");
    expect(readMetaMarker(body, null, scope)).toEqual({
      kind: "ignored",
      why: "no signing key to check the marker with",
    });
  });

  it.each([
    [null, "none"],
    ["", "none"],
    ["no marker", "none"],
    ["<!-- orchestrator:meta {not json} -->", "ignored"],
    ['<!-- orchestrator:meta {"v":2} -->', "ignored"],
    [`<!-- orchestrator:meta ${JSON.stringify(meta)} -->`, "ignored"],
  ])("reads %j as %s", (body, kind) => {
    expect(readMetaMarker(body, testSigningKey(), scope).kind).toBe(kind);
    expect(parseMetaMarker(body, testSigningKey(), scope)).toBeNull();
  });
});
