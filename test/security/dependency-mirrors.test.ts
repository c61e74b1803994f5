/**
 * The registry check asks the registry the operator installs from (a mirror or a private index), not
 * always the public one, and a mirror's credentials never show up in a message or the PR body.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixCommand } from "../../src/cli/fix-command.js";
import { parseConfigText } from "../../src/config/parse.js";
import { packageRegistry } from "../../src/patch/registry-lookup.js";
import { jsonApiBase, registrySettings } from "../../src/patch/registry-settings.js";
import { nockNpm, nockPyPI } from "../helpers/registry.js";

const STACK = join(import.meta.dirname, "../fixtures/repos/stack");
let work = "";
let home = "";

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "orchestrator-mirrors-"));
  home = join(work, "home");
  mkdirSync(home);
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function file(path: string, text: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe("registry settings, read as pip and npm read them", () => {
  it("defaults to the public registries", () => {
    expect(registrySettings({ env: {}, home, globalPipFiles: [] })).toEqual({
      endpoints: { pypi: "https://pypi.org", npm: "https://registry.npmjs.org" },
      from: { pypi: "default", npm: "default" },
    });
  });

  it("PIP_INDEX_URL wins over pip.conf; [install] index-url wins over [global]", () => {
    const conf = file(
      join(home, ".config/pip/pip.conf"),
      "[global]\nindex-url = https://global.example/simple\n[install]\nindex-url = https://install.example/simple/\n",
    );
    expect(registrySettings({ env: {}, home, globalPipFiles: [] }).endpoints.pypi).toBe(
      "https://install.example",
    );
    expect(registrySettings({ env: {}, home, globalPipFiles: [] }).from.pypi).toBe(conf);
    const env = { PIP_INDEX_URL: "https://env.example/pypi/simple" };
    expect(registrySettings({ env, home, globalPipFiles: [] }).endpoints.pypi).toBe(
      "https://env.example/pypi",
    );
  });

  it("PIP_CONFIG_FILE, then the user's pip.conf, then the machine's", () => {
    const machine = file(join(work, "etc/pip.conf"), "[global]\nindex_url=https://machine.example/simple\n");
    expect(registrySettings({ env: {}, home, globalPipFiles: [machine] }).endpoints.pypi).toBe(
      "https://machine.example",
    );
    const own = file(join(work, "own.conf"), "[global]\nindex-url=https://own.example/+simple/\n");
    expect(
      registrySettings({ env: { PIP_CONFIG_FILE: own }, home, globalPipFiles: [machine] }).endpoints.pypi,
    ).toBe("https://own.example");
  });

  it("npm_config_registry wins; then the project .npmrc (scoped registries ignored, ${VAR} expanded), then ~/.npmrc", () => {
    file(join(home, ".npmrc"), "registry=https://user.example/npm/\n");
    const project = file(
      join(work, "web/.npmrc"),
      "@acme:registry=https://scoped.example/\nregistry=${NPM_MIRROR}/npm/\n//x.example/:_authToken=secret\n",
    );
    const settings = (env: NodeJS.ProcessEnv, projectNpmrc: string[] = []) =>
      registrySettings({ env, home, projectNpmrc, globalPipFiles: [] });
    expect(settings({}).endpoints.npm).toBe("https://user.example/npm");
    expect(settings({ NPM_MIRROR: "https://mirror.example" }, [project]).endpoints.npm).toBe(
      "https://mirror.example/npm",
    );
    expect(settings({ npm_config_registry: "https://env.example/" }, [project]).endpoints.npm).toBe(
      "https://env.example",
    );
  });

  it("finds the PyPI JSON API beside a simple index", () => {
    expect(jsonApiBase("https://pypi.org/simple/")).toBe("https://pypi.org");
    expect(jsonApiBase("https://nexus.example/repository/pypi-proxy/simple")).toBe(
      "https://nexus.example/repository/pypi-proxy",
    );
  });
});

describe("lookups go to the configured mirror", () => {
  it("sends a mirror URL's credentials as a Basic header and never prints them", async () => {
    nockPyPI("PyYAML", { ageDays: 3000, base: "https://pypi.mirror.example", path: "/root" }).matchHeader(
      "authorization",
      `Basic ${Buffer.from("ci:s3cr3t-pass").toString("base64")}`,
    );
    const registry = packageRegistry({
      endpoints: { pypi: "https://ci:s3cr3t-pass@pypi.mirror.example/root" },
    });
    const facts = await registry.facts("pypi", "PyYAML");
    expect(facts).toMatchObject({
      page: "https://pypi.mirror.example/root/pypi/PyYAML/json",
      source: "https://pypi.mirror.example/root/pypi/PyYAML/json",
    });
    expect(JSON.stringify(facts)).not.toContain("s3cr3t");
    nock("https://pypi.mirror.example").get("/root/pypi/nope/json").reply(500, "down");
    const error = await registry.facts("pypi", "nope").catch((e: Error) => e.message);
    expect(error).toContain("HTTP 500 from https://pypi.mirror.example/root/pypi/nope/json");
    expect(error).not.toContain("s3cr3t");
  });

  it("orchestrator fix asks the PIP_INDEX_URL mirror, not pypi.org", async () => {
    const repo = join(work, "repo");
    cpSync(STACK, repo, { recursive: true });
    nockPyPI("PyYAML", { ageDays: 3000, version: "6.0.2", base: "https://pypi.corp.example" });
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } };
    const logFile = file(join(work, "build.log"), "ModuleNotFoundError: No module named 'yaml'\n");
    const env = { PIP_INDEX_URL: "https://pypi.corp.example/simple/" };
    const code = await fixCommand(["--repo", repo, "--service", "api", "--log", logFile], io, {
      settings: { env, home, globalPipFiles: [] },
    });
    expect(code).toBe(0);
    expect(out.join("")).toContain(
      "registry: PyYAML exists on PyPI (https://pypi.corp.example/pypi/PyYAML/json)",
    );
  });

  it("orchestrator fix asks the registry of the service's .npmrc", async () => {
    const repo = join(work, "repo");
    cpSync(STACK, repo, { recursive: true });
    file(join(repo, "web/.npmrc"), "registry=https://npm.corp.example/\n");
    nockNpm("lodash", { ageDays: 4000, version: "4.17.21", base: "https://npm.corp.example" });
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } };
    const logFile = file(
      join(work, "build.log"),
      "Error: Cannot find module 'lodash/merge'\nRequire stack:\n- /app/server.js\n",
    );
    const code = await fixCommand(["--repo", repo, "--service", "web", "--log", logFile], io, {
      settings: { env: {}, home, globalPipFiles: [] },
    });
    expect(out.join("")).toContain("registry: lodash exists on npm (https://npm.corp.example/lodash)");
    expect(code).toBe(0);
  });
});

describe("policy.min_release_age in the config", () => {
  it.each([
    { input: "14d", valid: true },
    { input: 30, valid: true },
    { input: "36h", valid: true },
    { input: "2 weeks", valid: false },
    { input: -1, valid: false },
  ])("$input -> valid: $valid", ({ input, valid }) => {
    const text = `services:\n  api:\n    path: services/api\npolicy:\n  min_release_age: ${JSON.stringify(input)}\n`;
    const parsed = parseConfigText(text);
    expect(parsed.ok).toBe(valid);
    if (!parsed.ok) expect(JSON.stringify(parsed.errors)).toContain("min_release_age");
  });

  it("defaults to 14d", () => {
    const parsed = parseConfigText("services:\n  api:\n    path: services/api\n");
    expect(parsed.ok && parsed.config.policy.min_release_age).toBe("14d");
  });
});
