import { describe, expect, it } from "vitest";
import { backoffDelay, backoffSchedule, DEFAULT_BACKOFF } from "../../../runner/verify/backoff.js";

const opts = { initialMs: 100, factor: 2, maxMs: 1000 };

describe("backoff", () => {
  it("doubles from the initial delay and caps at the maximum", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, opts))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("a schedule fills the timeout exactly, shortening the last delay", () => {
    expect(backoffSchedule(1000, opts)).toEqual([100, 200, 400, 300]);
    expect(backoffSchedule(3000, opts)).toEqual([100, 200, 400, 800, 1000, 500]);
    expect(backoffSchedule(0, opts)).toEqual([]);
  });

  it("rejects nonsense", () => {
    expect(() => backoffDelay(-1, opts)).toThrow("non-negative integer");
    expect(() => backoffDelay(0, { initialMs: 0, factor: 2, maxMs: 1 })).toThrow("initialMs > 0");
    expect(() => backoffSchedule(Number.NaN, opts)).toThrow("timeout must be >= 0");
  });
});

describe("the verifier's default schedule", () => {
  it("retries early and often, then settles at one probe a second", () => {
    expect(backoffSchedule(2000)).toEqual([100, 150, 225, 338, 506, 681]);
    expect(backoffDelay(6)).toBe(1000);
    expect(backoffDelay(30)).toBe(1000);
    expect(DEFAULT_BACKOFF.maxMs).toBeLessThanOrEqual(1000);
  });
});
