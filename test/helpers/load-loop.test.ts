import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startLoad, summarize } from "./load-loop.js";

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

describe("startLoad (a child process)", () => {
  it("records every answer of a real server, failures included, and stops on request", async () => {
    let n = 0;
    const server = createServer((_req, res) => {
      n += 1;
      res.statusCode = n === 3 ? 503 : 200;
      res.end(n === 3 ? "down" : `v${n > 3 ? 2 : 1}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const load = startLoad(`http://127.0.0.1:${port}/`, { pauseMs: 5 });
      await load.ready;
      const deadline = Date.now() + 20_000;
      while (load.samples().length < 6 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const report = await load.stop();
      expect(report.requests).toBe(n);
      expect(report.requests).toBeGreaterThanOrEqual(6);
      expect(report.failures).toEqual([expect.objectContaining({ ok: false, body: "HTTP 503" })]);
      expect(report.versions).toEqual(["v1", "v2"]);
    } finally {
      server.close();
    }
  });
});
