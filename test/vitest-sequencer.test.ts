import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SLOW_SUITES } from "../vitest.sequencer.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

describe("the slow-first test order", () => {
  it("names suites that exist (a renamed one would quietly lose its place at the front)", () => {
    expect(SLOW_SUITES.filter((suite) => !existsSync(`${ROOT}${suite}`))).toEqual([]);
    expect(new Set(SLOW_SUITES).size).toBe(SLOW_SUITES.length);
  });
});
