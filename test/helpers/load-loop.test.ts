import { describe, expect, it } from "vitest";
import { summarize } from "./load-loop.js";

describe("summarize (load loop)", () => {
  it("counts failures and finds the longest stretch without a successful answer, including the edges", () => {
    const samples = [
      { at: 1010, ok: true, body: "v1" },
      { at: 1020, ok: false, body: "HTTP 502" },
      { at: 1300, ok: true, body: "v2" },
      { at: 1310, ok: true, body: "v1" },
    ];
    const report = summarize(samples, 1000, 1320);
    expect(report).toMatchObject({
      requests: 4,
      failed: 1,
      longestGapMs: 290,
      longestGapEndAt: 1300,
      versions: ["v1", "v2"],
    });
    expect(report.failures).toEqual([samples[1]]);
    // No success at the end: the gap runs to the stop.
    expect(summarize([{ at: 1010, ok: true, body: "v1" }], 1000, 2000)).toMatchObject({
      longestGapMs: 990,
      longestGapEndAt: 2000,
    });
  });
});
