import { describe, expect, it } from "vitest";
import { isTransient, retryDelay } from "../../../runner/github/github-backoff.js";

describe("retryDelay", () => {
  const backoff = { baseMs: 1000, maxMs: 60_000 };
  const table: Array<[failures: number, random: number, expected: number]> = [
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0.5, 1500],
    [3, 1, 4000],
    [6, 1, 32_000],
    [7, 1, 60_000],
    [7, 0, 30_000],
    [50, 1, 60_000],
  ];
  for (const [failures, random, expected] of table) {
    it(`failure ${failures}, random ${random} -> ${expected} ms`, () => {
      expect(retryDelay(failures, random, backoff)).toBe(expected);
    });
  }

  it("rejects nonsense arguments, naming them", () => {
    expect(() => retryDelay(0, 0.5)).toThrow(/failures must be a positive integer, got 0/);
    expect(() => retryDelay(1, 2)).toThrow(/random must be within \[0, 1\], got 2/);
  });
});

describe("isTransient", () => {
  const table: Array<[name: string, error: unknown, expected: boolean]> = [
    ["502", { status: 502 }, true],
    ["500 (octokit's network failure)", { status: 500 }, true],
    ["429", { status: 429 }, true],
    ["403 rate limited", { status: 403, response: { headers: { "x-ratelimit-remaining": "0" } } }, true],
    ["403 secondary limit", { status: 403, response: { headers: { "retry-after": "30" } } }, true],
    ["403 forbidden", { status: 403, response: { headers: {} } }, false],
    ["404", { status: 404 }, false],
    ["422", { status: 422 }, false],
    ["ECONNRESET", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    ["a bug", new TypeError("x is undefined"), false],
  ];
  for (const [name, error, expected] of table) {
    it(`${name} -> ${expected}`, () => expect(isTransient(error)).toBe(expected));
  }
});
