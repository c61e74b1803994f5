/**
 * A new file format or a new diagnoser is one plug-in: the planner, the policy and the diagnosis engine
 * pick it up from what it declares, with no other file touched.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/parse.js";
import { requireService } from "../../src/config/service.js";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import type { Diagnoser } from "../../src/diagnose/diagnoser.js";
import { register } from "../../src/diagnose/registry.js";
import type { Finding } from "../../src/diagnose/finding.js";
import type { Patcher } from "../../src/patch/patcher.js";
import { planFix } from "../../src/patch/plan-fix.js";
import { defaultAllow, PATCHERS } from "../../src/patch/registry.js";
import { localRepoReader } from "../../src/repo/local-reader.js";

/** Pipenv's Pipfile: `name = "*"` lines under [packages]. Only as much as the test needs. */
const pipfilePatcher: Patcher = {
  name: "pipfile",
  description: "Pipfile: adds the package under [packages]",
  kinds: ["python_module"],
  async candidates({ inFolder, has }) {
    const pipfile = inFolder("Pipfile");
    return has(pipfile)
      ? [{ path: pipfile, exists: true, why: `${pipfile} declares the packages`, rank: -1 }]
      : [];
  },
  lockFiles: ["Pipfile.lock"],
  allow: ["Pipfile"],
  matches: (path) => /(^|\/)Pipfile$/.test(path),
  dependencies: (text) => [...text.matchAll(/^([A-Za-z0-9_.-]+) = /gm)].map((m) => m[1]!),
  sameName: (a, b) => a.toLowerCase() === b.toLowerCase(),
  async apply(text, dependency) {
    if (this.dependencies(text).some((n) => this.sameName(n, dependency.name)))
      return { status: "present", detail: `${dependency.name} is already listed` };
    const line = `${dependency.name} = "*"`;
    return { status: "patched", text: text.replace("[packages]\n", `[packages]\n${line}\n`), added: line };
  },
};

const dir = mkdtempSync(join(tmpdir(), "orchrs-plugin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "api"));
writeFileSync(join(dir, "api/Dockerfile"), 'FROM python:3.12-slim\nCOPY . .\nCMD ["python", "app.py"]\n');
writeFileSync(join(dir, "api/Pipfile"), '[packages]\nflask = "*"\n');
writeFileSync(join(dir, "api/Pipfile.lock"), "{}\n");
writeFileSync(join(dir, "api/requirements.txt"), "flask\n");
const parsed = parseConfigText("services:\n  api:\n    path: api\n");
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const config = parsed.config;

const yaml: Finding = {
  kind: "python_module",
  missing: "yaml",
  package: "PyYAML",
  ecosystem: "pypi",
  evidence: ["ModuleNotFoundError: No module named 'yaml'"],
  diagnoser: "python-module",
};

function plan(patchers: readonly Patcher[]) {
  const service = requireService(config, "api");
  return planFix(yaml, {
    serviceName: service.name,
    service: service.config,
    config,
    repo: localRepoReader(dir),
    lookup: false,
    patchers,
  });
}

describe("a toy patcher added to the registry", () => {
  it("is chosen by the finding kind and rank it declares, allowed by its own globs, with its lock-file note", async () => {
    const result = await plan([...PATCHERS, pipfilePatcher]);
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes.map((c) => [c.path, c.after])).toEqual([
      ["api/Pipfile", '[packages]\nPyYAML = "*"\nflask = "*"\n'],
    ]);
    expect(result.policy).toEqual({ allowed: true });
    expect(result.summary).toContain("api/Pipfile.lock is not updated by this fix");
    expect(defaultAllow([...PATCHERS, pipfilePatcher])).toEqual(
      expect.arrayContaining(["Pipfile", "Pipfile.lock"]),
    );
  });

  it("without it the same service gets the built-in choice", async () => {
    const result = await plan(PATCHERS);
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes.map((c) => c.path)).toEqual(["api/requirements.txt"]);
  });

  it("whose file the policy would not allow by default is refused without its globs", async () => {
    const result = await plan([...PATCHERS, { ...pipfilePatcher, allow: [], lockFiles: [] }]);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(/api\/Pipfile: not in the allow-list/);
  });
});

describe("a toy diagnoser registered", () => {
  const toy: Diagnoser = {
    name: "toy-gem",
    kind: "system_package",
    triggers: ["toy: missing library"],
    match: (line) => {
      const m = /toy: missing library (\S+)/.exec(line);
      return m ? { missing: m[1]!, evidence: [line] } : null;
    },
    resolve: (missing) => ({
      fixable: true,
      kind: "system_package",
      package: `lib${missing}-dev`,
      ecosystem: "debian",
      summary: `add lib${missing}-dev`,
    }),
  };

  it("is used by the engine with no other change", async () => {
    const log = "step 3/7\ntoy: missing library frob\nerror: build failed\n";
    expect((await diagnoseLog(log)).finding).toBeNull();
    register(toy);
    const { finding } = await diagnoseLog(log);
    expect(finding).toMatchObject({ diagnoser: "toy-gem", package: "libfrob-dev", missing: "frob" });
  });
});
