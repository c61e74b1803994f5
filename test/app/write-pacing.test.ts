import { describe, expect, it } from "vitest";
import { createWritePacer } from "../../src/app/write-pacing.js";

/** A fake clock whose sleep advances it: the pacer's waits are measured, never slept. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    at: () => t,
  };
}

describe("createWritePacer", () => {
  it("lets a burst go out gapMs apart, then paces one write per refill", async () => {
    const time = fakeTime();
    const pacer = createWritePacer({ burst: 3, refillMs: 1000, gapMs: 50, now: time.now, sleep: time.sleep });
    const limiter = pacer.key("4242");
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.schedule({}, async () => void started.push(time.at()))),
    );
    // 3 tokens: at 0, 50, 100; then the bucket refills one per second from where it was drained.
    expect(started.slice(0, 3)).toEqual([0, 50, 100]);
    expect(started[3]).toBeGreaterThanOrEqual(1000);
    expect(started[4]! - started[3]!).toBeGreaterThanOrEqual(950);
  });

  it("runs jobs in order, passes arguments and results through, and survives a failing job", async () => {
    const time = fakeTime();
    const limiter = createWritePacer({ now: time.now, sleep: time.sleep }).key();
    const order: string[] = [];
    const failing = limiter.schedule({}, async () => {
      order.push("a");
      throw new Error("boom");
    });
    const sum = limiter.schedule(
      {},
      async (...args: unknown[]) => {
        order.push("b");
        return (args[0] as number) + (args[1] as number);
      },
      2,
      3,
    );
    await expect(failing).rejects.toThrow("boom");
    expect(await sum).toBe(5);
    expect(order).toEqual(["a", "b"]);
  });

  it("keeps one bucket per installation id", async () => {
    const time = fakeTime();
    const pacer = createWritePacer({ burst: 1, refillMs: 1000, gapMs: 0, now: time.now, sleep: time.sleep });
    await pacer.key("1").schedule({}, async () => undefined);
    await pacer.key("2").schedule({}, async () => undefined);
    expect(time.sleeps).toEqual([]);
    expect(pacer.key("1")).toBe(pacer.key("1"));
    await pacer.key("1").schedule({}, async () => undefined);
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
