import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diffLines } from "diff";
import { describe, expect, it } from "vitest";
import type { DependencyRequest } from "../../../src/patch/patcher.js";
import { patchers } from "../../../src/patch/registry.js";
import type { VersionLookup } from "../../../src/patch/versions.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/patch");

/** The dependency each patcher is asked to add in every one of its fixtures. */
const REQUESTS: Record<string, DependencyRequest> = {
  dockerfile: {
    name: "zlib1g-dev",
    systemPackages: { debian: "zlib1g-dev", alpine: "zlib-dev", rpm: "zlib-devel" },
  },
  requirements: { name: "PyYAML" },
  pyproject: { name: "PyYAML" },
  "package-json": { name: "left-pad" },
};

const versions: VersionLookup = { latest: async (ecosystem) => (ecosystem === "pypi" ? "6.0.2" : "1.3.0") };
/** True when `after` is `before` with one span of text inserted (nothing deleted or rewritten). */
function onlyInserted(before: string, after: string): boolean {
  if (after === before) return true; // e.g. the old last line only gained its line break
  if (after.length < before.length) return false;
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  return prefix + suffix === before.length;
}

describe("patcher registry", () => {
  it("has a fixture folder for every patcher and a patcher for every fixture folder", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...patchers.keys()].sort());
    for (const name of patchers.keys()) expect(REQUESTS[name], `request for ${name}`).toBeDefined();
  });
});

for (const [name, patcher] of patchers) {
  const folder = join(FIXTURES, name);
  const files = readdirSync(folder).sort();

  describe(`patcher contract: ${name}`, () => {
    it("has at least three fixtures", () => expect(files.length).toBeGreaterThanOrEqual(3));

    for (const file of files) {
      describe(file, () => {
        const before = readFileSync(join(folder, file), "utf8");
        const request = REQUESTS[name]!;
        const path = `svc/${file}`;

        it("adds exactly the requested dependency, proven by re-parsing", async () => {
          const outcome = await patcher.apply(before, request, { versions, path });
          expect(outcome.status).toBe("patched");
          if (outcome.status !== "patched") return;
          const old = patcher.dependencies(before);
          const now = patcher.dependencies(outcome.text);
          // A Dockerfile gets the name for its base image's family; the others get the name itself.
          const candidates =
            name === "dockerfile" ? Object.values(request.systemPackages ?? {}) : [request.name];
          const added = now.filter((n) => !old.some((o) => patcher.sameName(o, n)));
          expect(now.length).toBe(old.length + 1);
          expect(added).toHaveLength(1);
          expect(
            candidates.some((c) => patcher.sameName(added[0]!, c)),
            `${added[0]} is one of ${candidates}`,
          ).toBe(true);
        });

        it("keeps every existing line (text may only be inserted into one) and the line-ending style", async () => {
          const outcome = await patcher.apply(before, request, { versions, path });
          if (outcome.status !== "patched") throw new Error(`not patched: ${JSON.stringify(outcome)}`);
          const parts = diffLines(before, outcome.text);
          const removed = parts
            .filter((p) => p.removed)
            .flatMap((p) => p.value.split(/\r?\n/).filter(Boolean));
          const added = parts.filter((p) => p.added).flatMap((p) => p.value.split(/\r?\n/).filter(Boolean));
          expect(removed.length).toBeLessThanOrEqual(1);
          for (const line of removed) {
            expect(
              added.some((a) => onlyInserted(line, a)),
              `rewritten line: ${line}`,
            ).toBe(true);
          }
          expect(added.length).toBeGreaterThanOrEqual(Math.max(1, removed.length));
          expect(added.length - removed.length).toBeLessThanOrEqual(5);

          const crlf = before.includes("\r\n");
          if (crlf) expect(outcome.text.replace(/\r\n/g, "")).not.toContain("\n");
          else expect(outcome.text).not.toContain("\r");
          expect(outcome.text.endsWith("\n")).toBe(before.endsWith("\n"));
        });

        it("says 'present' when applied to its own output", async () => {
          const first = await patcher.apply(before, request, { versions, path });
          if (first.status !== "patched") throw new Error("not patched");
          const second = await patcher.apply(first.text, request, { versions, path });
          expect(second.status).toBe("present");
        });

        it(`claims the file by its path`, () => {
          const typical = {
            dockerfile: "svc/Dockerfile",
            requirements: "svc/requirements.txt",
            pyproject: "svc/pyproject.toml",
            "package-json": "svc/package.json",
          }[name];
          expect(patcher.matches(typical ?? file)).toBe(true);
        });
      });
    }
  });
}
