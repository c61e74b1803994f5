import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EMPTY_MAPS, type Diagnoser } from "../../src/diagnose/diagnoser.js";
import { DiagnoserRegistry, list, registry } from "../../src/diagnose/registry.js";
import { normalizeLine } from "../../src/diagnose/normalize-line.js";

const DIR = new URL("../fixtures/logs/", import.meta.url);
const fixtureLines = readdirSync(DIR)
  .filter((f) => f.endsWith(".log"))
  .flatMap((f) =>
    readFileSync(new URL(f, DIR), "utf8")
      .split("\n")
      .map((line) => normalizeLine(line).text),
  );
const NO_CONTEXT = { before: [], after: [] };

describe("registry", () => {
  it("holds the built-in diagnosers in order", () => {
    expect(list().map((d) => d.name)).toEqual([
      "debian-python-split",
      "python-module",
      "eslint-plugin",
      "yarn-pnp",
      "jest-environment",
      "typescript-types",
      "node-module",
      "shared-library",
      "c-header",
      "protoc-include",
      "pkg-config",
      "missing-tool",
    ]);
    expect(registry.get("c-header")?.kind).toBe("system_package");
  });

  it("refuses duplicates, bad names and missing triggers", () => {
    const base = list()[0]!;
    const fresh = new DiagnoserRegistry([base]);
    expect(() => fresh.register(base)).toThrow(/already registered/);
    expect(() => fresh.register({ ...base, name: "Bad_Name" })).toThrow(/kebab-case/);
    expect(() => fresh.register({ ...base, name: "no-triggers", triggers: [] })).toThrow(/triggers/);
  });
});

describe.each(list().map((d) => [d.name, d] as [string, Diagnoser]))("contract: %s", (_name, diagnoser) => {
  const matches = fixtureLines
    .map((line) => ({ line, observation: diagnoser.match(line, NO_CONTEXT) }))
    .filter((m) => m.observation !== null);

  it("matches at least one real-world fixture line", () => {
    expect(matches.length).toBeGreaterThan(0);
  });

  it("only matches lines holding one of its triggers (the prefilter must not hide its lines)", () => {
    for (const { line } of matches)
      expect(
        diagnoser.triggers.some((t) => line.includes(t)),
        line,
      ).toBe(true);
  });

  it("returns the matched line as evidence and a non-empty name", () => {
    for (const { line, observation } of matches) {
      expect(observation!.missing.length).toBeGreaterThan(0);
      expect(observation!.evidence).toContain(line);
    }
  });

  it("is pure: the same line gives the same answer", () => {
    for (const { line, observation } of matches)
      expect(diagnoser.match(line, NO_CONTEXT)).toEqual(observation);
  });

  it("resolves every observation to a package or a reason", () => {
    for (const { observation } of matches) {
      const resolution = diagnoser.resolve(observation!.missing, { maps: EMPTY_MAPS, project: null });
      if (resolution.fixable) {
        expect(resolution.package).toMatch(/^\S+$/);
        expect(resolution.summary).toContain(resolution.package);
      } else {
        expect(resolution.reason.length).toBeGreaterThan(10);
      }
    }
  });

  it("ignores ordinary build noise", () => {
    for (const line of [
      "Step 3/9 : RUN pip install -r requirements.txt",
      "npm WARN deprecated request@2.88.2",
      "  Downloading numpy-1.26.4.tar.gz (15.8 MB)",
      "Successfully built 3074f2692270",
    ]) {
      expect(diagnoser.match(line, NO_CONTEXT)).toBeNull();
    }
  });
});
