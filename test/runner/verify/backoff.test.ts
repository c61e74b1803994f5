import { describe, expect, it } from "vitest";
import { backoffDelay, backoffSchedule } from "../../../runner/verify/backoff.js";

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
