import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createStatsd, statsdLine, statsdSettingsFrom } from "../../src/metrics/statsd.js";
import { waitFor } from "../e2e/wait.js";

let server: Socket | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

async function listen(): Promise<{ port: number; lines: string[] }> {
  const lines: string[] = [];
  server = createSocket("udp4");
  server.on("message", (msg) => lines.push(...msg.toString().split("\n")));
  await new Promise<void>((resolve) => server!.bind(0, "127.0.0.1", () => resolve()));
  return { port: (server.address() as AddressInfo).port, lines };
}

describe("StatsD", () => {
  it("a real UDP socket receives counters, timings and gauges under the prefix", async () => {
    const { port, lines } = await listen();
    const statsd = createStatsd({ host: "127.0.0.1", port, prefix: "orchestrator" });
    statsd.increment("runs.queued");
    statsd.timing("steps.build.duration", 1234.5);
    statsd.gauge("monitor.up", 1);
    await waitFor(() => lines.length >= 3, { timeoutMs: 5000, what: "three datagrams" });
    statsd.close();
    expect(lines.sort()).toEqual([
      "orchestrator.monitor.up:1|g",
      "orchestrator.runs.queued:1|c",
      "orchestrator.steps.build.duration:1234.5|ms",
    ]);
  });

  it("keeps names to safe segments", () => {
    expect(statsdLine("p", "runs.queued.service.we b:x|y", 1, "c")).toBe(
      "p.runs.queued.service.we_b_x_y:1|c",
    );
    expect(statsdLine("", "a.b", 2, "c")).toBe("a.b:2|c");
  });

  it("reads STATSD_* and names what is wrong", () => {
    expect(statsdSettingsFrom({})).toBeNull();
    expect(statsdSettingsFrom({ STATSD_HOST: "h", STATSD_PORT: "9125" })).toEqual({
      host: "h",
      port: 9125,
      prefix: "orchestrator",
    });
    expect(statsdSettingsFrom({ STATSD_HOST: "h", STATSD_PREFIX: "acme.orch" })?.port).toBe(8125);
    expect(() => statsdSettingsFrom({ STATSD_HOST: "h", STATSD_PORT: "x" })).toThrow(/STATSD_PORT must be/);
    expect(() => statsdSettingsFrom({ STATSD_PORT: "1" })).toThrow(/STATSD_HOST/);
    expect(() => statsdSettingsFrom({ STATSD_HOST: "h", STATSD_PREFIX: "a b" })).toThrow(/STATSD_PREFIX/);
  });
});
