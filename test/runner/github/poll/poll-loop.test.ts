import { describe, expect, it } from "vitest";
import { pollLoop } from "../../../../runner/github/poll/poll-loop.js";
import type { PassSummary, Poller } from "../../../../runner/github/poll/poller.js";
import { captureLog } from "../fixtures.js";

const empty = (): PassSummary => ({
  notModified: ["production"],
  deployed: [],
  superseded: [],
  rejected: [],
  reported: [],
});

function scriptedPoller(
  script: Array<"fail" | "ok">,
  controller: AbortController,
): Poller & { passes: number } {
  const poller = {
    passes: 0,
    stopping: false,
    stop() {
      poller.stopping = true;
    },
    async pass() {
      const step = script[poller.passes++];
      if (poller.passes >= script.length) controller.abort();
      if (step === "fail")
        throw Object.assign(new Error("connect ECONNREFUSED 140.82.112.6:443 token ghs_" + "x".repeat(36)), {
          status: 500,
        });
      return empty();
    },
  };
  return poller;
}

describe("pollLoop", () => {
  it("backs off while GitHub fails, then returns to the interval, and stops on abort", async () => {
    const controller = new AbortController();
    const log = captureLog();
    const poller = scriptedPoller(["fail", "fail", "fail", "ok", "ok"], controller);
    const started = Date.now();

    await pollLoop(poller, {
      intervalMs: 5,
      log,
      signal: controller.signal,
      backoff: { baseMs: 10, maxMs: 25 },
      random: () => 1,
    });

    expect(poller.passes).toBe(5);
    const warnings = log.records.filter((r) => r.level === "warn");
    expect(warnings.map((w) => w.retryInMs)).toEqual([10, 20, 25]);
    expect(warnings.map((w) => w.failures)).toEqual([1, 2, 3]);
    expect(String(warnings[0]!.err)).not.toContain("ghs_");
    expect(log.records.some((r) => r.msg === "GitHub reachable again" && r.failures === 3)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("an abort during the wait ends the loop at once", async () => {
    const controller = new AbortController();
    const poller = scriptedPoller(["ok", "ok", "ok"], new AbortController());
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await pollLoop(poller, { intervalMs: 60_000, log: captureLog(), signal: controller.signal });
    expect(poller.passes).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
