import { describe, expect, it } from "vitest";
import { oldOnlyAfter } from "../../bench/zero-downtime.js";

describe("oldOnlyAfter", () => {
  it("measures from the failed verification to the last answer that was not the old version", () => {
    const samples = [
      { at: 900, ok: true, body: "bad" },
      { at: 1010, ok: true, body: "bad" },
      { at: 1030, ok: false, body: "HTTP 502" },
      { at: 1040, ok: true, body: "v1" },
      { at: 1100, ok: true, body: "v1" },
    ];
    expect(oldOnlyAfter(samples, 1000, "v1")).toBe(30);
    expect(oldOnlyAfter(samples, 1035, "v1")).toBe(0);
  });
});
