import { describe, expect, it } from "vitest";
import { redactor } from "../../../src/redact/redactor.js";
import { summarizeVerify } from "../../../runner/pipeline/steps.js";
import type { VerifyResult } from "../../../runner/verify/verify-service.js";

const verify = (over: Partial<VerifyResult> = {}): VerifyResult => ({
  ok: false,
  phase: "start",
  reason: "HTTP 500",
  probes: [{ at: "t", kind: "http", ok: false, detail: "GET /health -> HTTP 500" }],
  containerId: "c1",
  imageId: "sha256:x",
  logsTail: "",
  durationMs: 1500,
  startMs: 1500,
  watchMs: 0,
  ...over,
});

describe("summarizeVerify", () => {
  it("carries the container log tail into the result, redacted, plus the phase timings", () => {
    const secret = "db-password-5f2a9c11e0";
    redactor.add(secret);
    const summary = summarizeVerify(verify({ logsTail: `connecting with ${secret}\nfatal: db down\n` }));
    expect(summary).toEqual({
      ok: false,
      phase: "start",
      reason: "HTTP 500",
      probes: [{ at: "t", kind: "http", ok: false, detail: "GET /health -> HTTP 500" }],
      logsTail: "connecting with ***\nfatal: db down",
      startMs: 1500,
      watchMs: 0,
    });
  });

  it("leaves the tail out when there is none, and null stays null", () => {
    expect(summarizeVerify(verify({ ok: true, logsTail: "  \n" }))).not.toHaveProperty("logsTail");
    expect(summarizeVerify(null)).toBeNull();
  });
});
