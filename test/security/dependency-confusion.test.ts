/**
 * Attack: CI output (which whoever opens a pull request writes) names a package; the bot proposes it.
 * Defence: a proposed PyPI / npm package must exist and be older than policy.min_release_age, the PR body
 * says where it was checked and when it was first published, and a fork's run never opens a fix itself.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import type { Finding } from "../../src/diagnose/finding.js";
import { planFix } from "../../src/patch/plan-fix.js";
import { packageRegistry } from "../../src/patch/registry-lookup.js";
import { localRepoReader } from "../../src/repo/local-reader.js";
import { daysAgo, nockNpm, nockPyPI, pypiDocument } from "../helpers/registry.js";

const STACK = join(import.meta.dirname, "../fixtures/repos/stack");

function stackConfig(minReleaseAge?: string): OrchestratorConfig {
  const parsed = parseConfigText(readFileSync(join(STACK, ".github/orchestrator.yml"), "utf8"));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = parsed.config;
  return minReleaseAge ? { ...config, policy: { ...config.policy, min_release_age: minReleaseAge } } : config;
}

const python = (missing: string, pkg = missing): Finding => ({
  kind: "python_module",
  missing,
  package: pkg,
  ecosystem: "pypi",
  evidence: [`ModuleNotFoundError: No module named '${missing}'`],
  diagnoser: "python-module",
});

function plan(service: string, finding: Finding, config = stackConfig()) {
  return planFix(finding, {
    serviceName: service,
    service: config.services[service]!,
    config,
    repo: localRepoReader(STACK),
    registry: packageRegistry(),
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("dependency confusion: the planner proposes only published, settled packages", () => {
  it("refuses a name that does not exist on PyPI, with a reason that says so", async () => {
    nock("https://pypi.org").get("/pypi/internal-billing-utils/json").reply(404, { message: "Not Found" });
    const result = await plan("api", python("internal_billing_utils", "internal-billing-utils"));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining("'internal-billing-utils' does not exist on PyPI"),
      refusals: [expect.stringContaining("only proposes published packages")],
    });
  });

  it("refuses a name first published 3 days ago (default policy.min_release_age 14d), pinned file", async () => {
    nockPyPI("yaml-utils", { ageDays: 3 });
    const result = await plan("api", python("yaml_utils", "yaml-utils"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusals).toEqual([
      expect.stringMatching(
        /^'yaml-utils' was first published on PyPI at \d{4}-\d\d-\d\dT.*\(3 days ago\), more recently than policy\.min_release_age \(14d\)/,
      ),
    ]);
  });

  it("checks unpinned files too: a brand-new name is refused for a bare requirements file", async () => {
    // services/fresh: the Dockerfile installs requirements.txt, which does not exist yet (bare style).
    nockPyPI("freshly-squatted", { ageDays: 0 });
    const result = await plan("fresh", python("freshly_squatted", "freshly-squatted"));
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("hours ago") });
  });

  it("honours a configured policy.min_release_age", async () => {
    nockPyPI("yaml-utils", { ageDays: 3 });
    const result = await plan("fresh", python("yaml_utils", "yaml-utils"), stackConfig("2d"));
    expect(result).toMatchObject({ ok: true, packageCheck: { name: "yaml-utils", ageDays: 3 } });
  });

  it("accepts an old name and reports the registry page and the first publish date", async () => {
    const first = daysAgo(7000);
    nock("https://pypi.org")
      .get("/pypi/PyYAML/json")
      .reply(
        200,
        pypiDocument("PyYAML", [
          { version: "3.01", uploaded: first },
          { version: "6.0.2", uploaded: daysAgo(400) },
        ]),
      );
    const result = await plan("api", python("yaml", "PyYAML"));
    if (!result.ok) throw new Error(result.reason);
    expect(result.changes[0]!.after).toContain("PyYAML==6.0.2\n");
    expect(result.packageCheck).toEqual({
      ecosystem: "pypi",
      name: "PyYAML",
      registry: "PyPI",
      page: "https://pypi.org/project/PyYAML/",
      firstPublished: first.toISOString(),
      ageDays: 7000,
      minReleaseAge: "14d",
    });
  });

  it("refuses npm names that do not exist or were unpublished, and too-new ones", async () => {
    nock("https://registry.npmjs.org").get("/@acme%2finternal-ui").reply(404, { error: "Not found" });
    nock("https://registry.npmjs.org")
      .get("/left-padd")
      .reply(200, {
        name: "left-padd",
        time: { created: daysAgo(900).toISOString(), unpublished: { time: daysAgo(800).toISOString() } },
      });
    nockNpm("expresss", { ageDays: 1 });
    const node = (pkg: string): Finding => ({
      kind: "node_module",
      missing: pkg,
      package: pkg,
      ecosystem: "npm",
      evidence: [`Error: Cannot find module '${pkg}'`],
      diagnoser: "node-module",
    });
    const scoped = await plan("web", node("@acme/internal-ui"));
    const unpublished = await plan("web", node("left-padd"));
    const fresh = await plan("web", node("expresss"));
    expect(scoped).toMatchObject({
      ok: false,
      reason: expect.stringContaining("does not exist on the npm registry"),
    });
    expect(unpublished).toMatchObject({
      ok: false,
      reason: expect.stringContaining("'left-padd' does not exist"),
    });
    expect(fresh).toMatchObject({
      ok: false,
      reason: expect.stringContaining("policy.min_release_age (14d)"),
    });
  });

  it("fails closed when the registry cannot be asked, or reports no publish date", async () => {
    nock("https://pypi.org").get("/pypi/PyYAML/json").replyWithError("ECONNRESET");
    const down = await plan("api", python("yaml", "PyYAML"));
    expect(down).toMatchObject({
      ok: false,
      reason: expect.stringContaining("never proposes a package it could not check"),
    });
    nock("https://pypi.org")
      .get("/pypi/PyYAML/json")
      .reply(200, { info: { version: "6.0.2" }, releases: {} });
    const undated = await plan("api", python("yaml", "PyYAML"));
    expect(undated).toMatchObject({ ok: false, reason: expect.stringContaining("no publish date") });
  });

  it("does not look system packages up: they come from the built-in map", async () => {
    const result = await planFix(
      {
        kind: "system_package",
        missing: "zlib.h",
        package: "zlib1g-dev",
        ecosystem: "debian",
        systemPackages: { debian: "zlib1g-dev", alpine: "zlib-dev" },
        evidence: ["fatal error: zlib.h: No such file or directory"],
        diagnoser: "c-header",
      },
      {
        serviceName: "native",
        service: stackConfig().services.native!,
        config: stackConfig(),
        repo: localRepoReader(STACK),
        registry: packageRegistry({
          fetch: () => Promise.reject(new Error("no registry request expected for a system package")),
        }),
      },
    );
    expect(result).toMatchObject({ ok: true, packageCheck: null });
  });
});

describe("dependency confusion: lookups are cached", () => {
  it("asks the registry once per package within the TTL, again after it", async () => {
    let clock = 1_000_000;
    const registry = packageRegistry({ ttlMs: 60_000, now: () => clock });
    nockPyPI("PyYAML", { ageDays: 3000 });
    const first = await registry.facts("pypi", "PyYAML");
    const second = await registry.facts("pypi", "pyyaml");
    expect(second).toBe(first);
    clock += 60_001;
    nockPyPI("PyYAML", { ageDays: 3000, version: "7.0.0" });
    expect((await registry.facts("pypi", "PyYAML"))?.latest).toBe("7.0.0");
  });

  it("does not cache a failed lookup", async () => {
    const registry = packageRegistry();
    nock("https://pypi.org").get("/pypi/flask/json").reply(503, "busy");
    await expect(registry.facts("pypi", "flask")).rejects.toThrow("HTTP 503");
    nockPyPI("flask", { ageDays: 3000 });
    expect(await registry.facts("pypi", "flask")).toMatchObject({ name: "flask" });
  });
});

describe("dependency confusion: `orchestrator fix` and `orchestrator diagnose`", () => {
  let work = "";
  let repo = "";
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "orchestrator-depconf-"));
    repo = join(work, "repo");
    cpSync(STACK, repo, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
      stdout: () => out.join(""),
      stderr: () => err.join(""),
    };
  }
  const logFile = (text: string) => {
    const path = join(work, "build.log");
    writeFileSync(path, text);
    return path;
  };

  it("fix refuses a too-new name with exit 3 and writes nothing", async () => {
    const { fixCommand } = await import("../../src/cli/fix-command.js");
    nockPyPI("yaml_utils", { ageDays: 2 });
    const t = capture();
    const code = await fixCommand(
      [
        "--repo",
        repo,
        "--service",
        "api",
        "--log",
        logFile("ModuleNotFoundError: No module named 'yaml_utils'\n"),
        "--write",
      ],
      t.io,
      { settings: { env: {}, home: work, globalPipFiles: [] } },
    );
    expect(code).toBe(3);
    expect(t.stdout()).toContain("refused by policy:\n- 'yaml_utils' was first published on PyPI");
    expect(readFileSync(join(repo, "services/api/requirements/prod.txt"), "utf8")).not.toContain("yaml");
  });

  it("fix prints where the name was checked and when it was first published", async () => {
    const { fixCommand } = await import("../../src/cli/fix-command.js");
    nockPyPI("PyYAML", { ageDays: 5000, version: "6.0.2" });
    const t = capture();
    const code = await fixCommand(
      ["--repo", repo, "--service", "api", "--log", logFile("ModuleNotFoundError: No module named 'yaml'\n")],
      t.io,
      { settings: { env: {}, home: work, globalPipFiles: [] } },
    );
    expect(code).toBe(0);
    expect(t.stdout()).toMatch(
      /registry: PyYAML exists on PyPI \(https:\/\/pypi\.org\/project\/PyYAML\/\), first published \d{4}-\d\d-\d\dT[\d:.]+Z \(5000 days ago; policy\.min_release_age is 14d\)/,
    );
  });

  it("diagnose stays offline and says the name was not checked (text and --json)", async () => {
    const { diagnoseCommand } = await import("../../src/cli/diagnose-command.js");
    const log = logFile("ModuleNotFoundError: No module named 'yaml_utils'\n");
    const text = capture();
    expect(await diagnoseCommand(["--log", log], text.io)).toBe(0);
    expect(text.stdout()).toContain(
      "registry: not checked: diagnose works offline; orchestrator fix and the app propose 'yaml_utils' only if it exists on PyPI",
    );
    const json = capture();
    expect(await diagnoseCommand(["--log", log, "--json"], json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({
      fixable: true,
      package: "yaml_utils",
      registry_checked: false,
      registry_note: expect.stringContaining("not checked"),
    });
  });
});
