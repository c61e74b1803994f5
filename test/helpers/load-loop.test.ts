import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gapBeyondBaseline, startLoad, summarize } from "./load-loop.js";

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

describe("summarize, several clients", () => {
  const at = (client: number, t: number, ok = true) => ({
    at: t,
    ok,
    body: ok ? "v1" : "ECONNREFUSED",
    client,
  });
  it("one slow client is not downtime while another answers; every client failing is", () => {
    // Client 0 waits 400 ms for one answer (1010..1410) while client 1 answers every 50 ms.
    const slow = [
      at(0, 1010),
      at(1, 1030),
      at(1, 1080),
      at(1, 1130),
      at(1, 1180),
      at(1, 1230),
      at(1, 1280),
      at(1, 1330),
      at(1, 1380),
      at(0, 1410),
      at(1, 1430),
    ];
    expect(summarize(slow, 1000, 1440)).toMatchObject({ longestGapMs: 50, worstClientGapMs: 400, failed: 0 });
    // Both fail from 1100 to 1350: a real outage, 300 ms without a success to anyone (1050..1350).
    const outage = [
      at(0, 1000),
      at(1, 1050),
      at(0, 1100, false),
      at(1, 1150, false),
      at(0, 1250, false),
      at(1, 1300, false),
      at(0, 1350),
      at(1, 1360),
    ];
    expect(summarize(outage, 1000, 1360)).toMatchObject({
      longestGapMs: 300,
      longestGapEndAt: 1350,
      failed: 4,
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
      // Every answer but the uncounted warm-up request.
      expect(report.requests).toBe(n - 1);
      expect(report.requests).toBeGreaterThanOrEqual(6);
      expect(report.failures).toEqual([expect.objectContaining({ ok: false, body: "HTTP 503" })]);
      expect(report.versions).toEqual(["v1", "v2"]);
    } finally {
      server.close();
    }
  });

  it("runs several concurrent clients, each on its own kept-alive connection, and reports its event-loop delay", async () => {
    const sockets = new Set<unknown>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      res.end("v1\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const load = startLoad(`http://127.0.0.1:${port}/`, { pauseMs: 5, clients: 3 });
      await load.ready;
      const deadline = Date.now() + 20_000;
      const seen = () => new Set(load.samples().map((s) => s.client)).size;
      while ((seen() < 3 || load.samples().length < 30) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const report = await load.stop();
      expect(report.failed).toBe(0);
      expect([...new Set(load.samples().map((s) => s.client))].sort()).toEqual([0, 1, 2]);
      // One connection per client, kept alive across its requests (the warm-up opened them).
      expect(sockets.size).toBe(3);
      expect(report.worstClientGapMs).toBeGreaterThanOrEqual(report.longestGapMs);
      const { loopDelay } = load.info();
      expect(loopDelay?.maxMs).toBeGreaterThan(0);
      expect(loopDelay!.p99Ms).toBeLessThanOrEqual(loopDelay!.maxMs);
    } finally {
      server.close();
    }
  });
});

describe("gapBeyondBaseline", () => {
  const ok = (at: number) => ({ at, ok: true, body: "x" });
  it("subtracts a stall the baseline saw at the same time, and keeps a gap only the service had", () => {
    // The service: a 300 ms gap (1100..1400) while the baseline stalled 250 ms (1120..1370), then a
    // 120 ms gap of its own (1500..1620) while the baseline answered every 20 ms.
    const service = [ok(1100), ok(1400), ok(1500), ok(1620), ok(1700)];
    const baseline = [
      ok(1100),
      ok(1120),
      ok(1370),
      ...[1400, 1420, 1500, 1520, 1540, 1560, 1580, 1600, 1620, 1640, 1700].map(ok),
    ];
    expect(gapBeyondBaseline(service, baseline, 1000, 1700)).toEqual({
      excessMs: 100,
      gapMs: 120,
      endAt: 1620,
    });
    // Without the baseline's stall, the 300 ms gap is all the service's.
    const steady = Array.from({ length: 36 }, (_, i) => ok(1000 + i * 20));
    expect(gapBeyondBaseline(service, steady, 1000, 1700).gapMs).toBe(300);
  });
});
