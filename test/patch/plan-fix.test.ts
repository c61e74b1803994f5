import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import type { Finding } from "../../src/diagnose/finding.js";
import { planFix, type FixPlan } from "../../src/patch/plan-fix.js";
import { localRepoReader } from "../../src/repo/local-reader.js";
import { nockNpm, nockPyPI } from "../helpers/registry.js";

const STACK = join(import.meta.dirname, "../fixtures/repos/stack");

function loadConfig(dir: string): OrchestratorConfig {
  const result = parseConfigText(readFileSync(join(dir, ".github/orchestrator.yml"), "utf8"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const python = (missing: string, pkg: string): Finding => ({
  kind: "python_module",
  missing,
  package: pkg,
  ecosystem: "pypi",
  evidence: [`ModuleNotFoundError: No module named '${missing}'`],
  diagnoser: "python-module",
});
const node = (missing: string, pkg: string): Finding => ({
  kind: "node_module",
  missing,
  package: pkg,
  ecosystem: "npm",
  evidence: [`Error: Cannot find module '${missing}'`],
  diagnoser: "node-module",
});
const zlib: Finding = {
  kind: "system_package",
  missing: "zlib.h",
  package: "zlib1g-dev",
  ecosystem: "debian",
  systemPackages: { debian: "zlib1g-dev", alpine: "zlib-dev", rpm: "zlib-devel" },
  evidence: ["fatal error: zlib.h: No such file or directory"],
  diagnoser: "c-header",
};

function plan(service: string, finding: Finding, dir = STACK, config = loadConfig(dir)): Promise<FixPlan> {
  return planFix(finding, {
    serviceName: service,
    service: config.services[service]!,
    config,
    repo: localRepoReader(dir),
  });
}
// Every PyPI / npm name is checked on its registry (existence, first release age), pinned or not.
const pypi = (name: string, version = "1.0.0") => nockPyPI(name, { ageDays: 3000, version });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("planFix over the fixture stack", () => {
  it("python: patches the requirements file the Dockerfile installs (not the decoy requirements.txt), pinned", async () => {
    pypi("PyYAML", "6.0.2");
    const result = await plan("api", python("yaml", "PyYAML"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ path: "services/api/requirements/prod.txt", mode: "100644" });
    expect(result.changes[0]!.after).toBe(
      "# Runtime dependencies (pinned)\n-r base.txt\nfastapi==0.111.0\nPyYAML==6.0.2\nuvicorn==0.30.1\n",
    );
    expect(result.diff).toContain(
      "--- a/services/api/requirements/prod.txt\n+++ b/services/api/requirements/prod.txt",
    );
    expect(result.diff).toContain("\n+PyYAML==6.0.2\n");
    expect(result.summary).toContain(
      "Add PyYAML==6.0.2 to services/api/requirements/prod.txt for missing Python module 'yaml'",
    );
    expect(result.summary).toContain("pip install -r requirements/prod.txt");
    expect(result.policy).toEqual({ allowed: true });
  });

  it("python: falls back to pyproject.toml (Poetry, caret) and warns about poetry.lock", async () => {
    pypi("PyYAML", "6.0.2");
    const result = await plan("worker", python("yaml", "PyYAML"));
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes[0]!.path).toBe("services/worker/pyproject.toml");
    expect(result.changes[0]!.after).toContain('celery = "^5.4.0"\nPyYAML = "^6.0.2"\nredis = "^5.0.8"\n');
    expect(result.summary).toContain("services/worker/poetry.lock is not updated");
  });

  it("python: creates the requirements file a Dockerfile copies and installs when it is missing", async () => {
    pypi("PyYAML");
    const result = await plan("fresh", python("yaml", "PyYAML"));
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes).toEqual([
      { path: "services/fresh/requirements.txt", before: null, after: "PyYAML\n", mode: "100644" },
    ]);
    expect(result.diff).toContain(
      "new file mode 100644\n--- /dev/null\n+++ b/services/fresh/requirements.txt",
    );
    expect(result.summary).toMatch(/^Create PyYAML as services\/fresh\/requirements.txt/);
  });

  it("python: refuses to invent a dependency file", async () => {
    const result = await plan("bare", python("yaml", "PyYAML"));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining("does not invent a dependency file"),
    });
  });

  it("python: says nothing to fix when the distribution is already listed", async () => {
    pypi("FastAPI");
    const result = await plan("api", python("fastapi", "FastAPI"));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^nothing to fix: .*already lists fastapi==0.111.0/),
    });
  });

  it("python: explains hash-pinned requirements cannot be patched offline", async () => {
    pypi("PyYAML");
    const result = await plan("hashed", python("yaml", "PyYAML"));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining(
        "cannot fix automatically: services/hashed/requirements.txt pins every requirement with --hash",
      ),
    });
  });

  it("node: adds the package to package.json in sorted order with the file's caret style", async () => {
    nockNpm("lodash", { ageDays: 4000, version: "4.17.21" });
    const result = await plan("web", node("lodash/merge", "lodash"));
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes[0]!.path).toBe("web/package.json");
    expect(JSON.parse(result.changes[0]!.after).dependencies).toEqual({
      express: "^4.19.2",
      lodash: "^4.17.21",
      zod: "^3.23.8",
    });
  });

  it("node: refuses when the service has no package.json", async () => {
    expect(await plan("bare", node("lodash", "lodash"))).toEqual({
      ok: false,
      reason: expect.stringContaining("services/bare/package.json does not exist"),
    });
  });

  it("system: installs with apk on an alpine base, before the first COPY", async () => {
    const result = await plan("native", zlib);
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes[0]!.after).toBe(
      "FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev\nWORKDIR /app\nRUN apk add --no-cache zlib-dev\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
    );
    expect(result.summary).toContain(
      "Add zlib-dev (apk, as the final stage already installs with it) to services/native/Dockerfile for missing system dependency 'zlib.h'",
    );
  });

  it("refuses by policy after patching when the change is larger than policy.max_changed_lines", async () => {
    const config = loadConfig(STACK);
    const tight = { ...config, policy: { max_files: 3, max_changed_lines: 0 } } as OrchestratorConfig;
    const result = await plan("native", zlib, STACK, tight);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining("refused by policy"),
      refusals: ["(change set): 1 lines added or removed; policy.max_changed_lines is 0"],
    });
  });
});

describe("planFix with a symlinked dependency file", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "orchestrator-plan-"));
    cpSync(STACK, dir, { recursive: true });
    rmSync(join(dir, "services/native/requirements.txt"));
    symlinkSync("../api/requirements/base.txt", join(dir, "services/native/requirements.txt"));
    execFileSync("git", ["init", "-q", dir]);
    execFileSync("git", ["-C", dir, "add", "-A"]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is refused by policy, naming the symlink, without reading through it", async () => {
    const result = await plan("native", python("yaml", "PyYAML"), dir);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining("refused by policy"),
      refusals: ["services/native/requirements.txt: is a symlink (mode 120000); fixes never change symlinks"],
    });
  });
});
