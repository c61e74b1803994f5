import { describe, expect, it } from "vitest";
import type { PackageRegistry } from "../../src/patch/registry-lookup.js";
import { checkPackage, releaseAgeMs } from "../../src/policy/package-check.js";
import { publishedRegistry } from "../helpers/registry.js";

const NOW = new Date("2026-06-01T00:00:00Z");

describe("releaseAgeMs", () => {
  it.each([
    [14, 14 * 86_400_000],
    ["14d", 14 * 86_400_000],
    ["36h", 36 * 3_600_000],
    ["90m", 90 * 60_000],
    [0, 0],
  ])("%s", (value, ms) => expect(releaseAgeMs(value)).toBe(ms));

  it("names the key and the expected form for anything else", () => {
    expect(() => releaseAgeMs("2 weeks")).toThrow(
      "policy.min_release_age '2 weeks' is not a duration such as 14d, 36h or 90m",
    );
  });
});

describe("checkPackage", () => {
  const registryAt = (firstPublished: Date | null): PackageRegistry => ({
    facts: async (ecosystem, name) => ({
      ecosystem,
      name,
      latest: "1.0.0",
      firstPublished,
      page: `https://pypi.org/project/${name}/`,
      source: `https://pypi.org/pypi/${name}/json`,
    }),
    latest: async () => "1.0.0",
  });

  it("accepts exactly at the minimum age and refuses a minute before", async () => {
    const edge = new Date(NOW.getTime() - 14 * 86_400_000);
    const ok = await checkPackage(registryAt(edge), "pypi", "x", { minReleaseAge: "14d", now: NOW });
    expect(ok).toMatchObject({ ok: true, check: { ageDays: 14, minReleaseAge: "14d" } });
    const early = new Date(edge.getTime() + 60_000);
    const refused = await checkPackage(registryAt(early), "pypi", "x", { minReleaseAge: "14d", now: NOW });
    expect(refused).toMatchObject({ ok: false, reason: expect.stringContaining("(13 days ago)") });
  });

  it("writes a numeric age as days and names npm as 'npm' for the PR body", async () => {
    const verdict = await checkPackage(publishedRegistry({ ageDays: 100 }), "npm", "lodash", {
      minReleaseAge: 7,
      now: new Date(),
    });
    expect(verdict).toMatchObject({
      ok: true,
      check: { registry: "npm", minReleaseAge: "7d", page: "https://www.npmjs.com/package/lodash" },
    });
  });

  it("refuses a release date in the future (a registry clock cannot make a package old)", async () => {
    const future = new Date(NOW.getTime() + 86_400_000);
    const verdict = await checkPackage(registryAt(future), "pypi", "x", { minReleaseAge: 0, now: NOW });
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining("(0 hours ago)") });
  });
});
