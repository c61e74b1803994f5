import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixCommand } from "../../src/cli/fix-command.js";
import { UsageError } from "../../src/cli/io.js";
import { nockPyPI } from "../helpers/registry.js";

const STACK = join(import.meta.dirname, "../fixtures/repos/stack");
const YAML_LOG =
  "#8 [api 4/5] RUN python -m app.main\n#8 0.5 Traceback (most recent call last):\n#8 0.5 ModuleNotFoundError: No module named 'yaml'\n";

let work = "";
let repo = "";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}
function log(text: string): string {
  const path = join(work, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, text);
  return path;
}

/** Registry settings from nowhere but the test: no env, an empty home, no machine-wide pip.conf. */
function isolated() {
  return { settings: { env: {}, home: work, globalPipFiles: [] } };
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "orchestrator-fix-cli-"));
  repo = join(work, "repo");
  cpSync(STACK, repo, { recursive: true });
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe("orchestrator fix", () => {
  it("prints the diagnosis, the summary and the unified diff without touching files", async () => {
    nockPyPI("PyYAML", { ageDays: 3000, version: "6.0.2" });
    const t = io();
    const code = await fixCommand(
      ["--repo", repo, "--service", "api", "--log", log(YAML_LOG)],
      t.io,
      isolated(),
    );
    expect(code).toBe(0);
    expect(t.stdout()).toContain("diagnosis: missing Python module 'yaml'");
    expect(t.stdout()).toContain("Add PyYAML==6.0.2 to services/api/requirements/prod.txt");
    expect(t.stdout()).toContain(
      "diff --git a/services/api/requirements/prod.txt b/services/api/requirements/prod.txt",
    );
    expect(t.stdout()).toContain("\n+PyYAML==6.0.2\n");
    expect(readFileSync(join(repo, "services/api/requirements/prod.txt"), "utf8")).not.toContain("PyYAML");
    expect(t.stderr()).toBe("");
  });

  it("--write applies the change and says what it wrote", async () => {
    const t = io();
    const code = await fixCommand(
      [
        "--repo",
        repo,
        "--service",
        "native",
        "--log",
        log("fatal error: zlib.h: No such file or directory\n"),
        "--write",
      ],
      t.io,
      isolated(),
    );
    expect(code).toBe(0);
    expect(t.stdout()).toContain("wrote services/native/Dockerfile\n");
    expect(t.stdout()).not.toContain("diff --git");
    expect(readFileSync(join(repo, "services/native/Dockerfile"), "utf8")).toContain(
      "WORKDIR /app\nRUN apk add --no-cache zlib-dev\nCOPY",
    );
  });

  it("exits 0 and explains when the log shows nothing fixable, redacting what it prints", async () => {
    const t = io();
    const secret = `ghp_${"a1B2".repeat(9)}`;
    const code = await fixCommand(
      [
        "--repo",
        repo,
        "--service",
        "api",
        "--log",
        log(`token ${secret}\nModuleNotFoundError: No module named 'app.settings' ${secret}\n`),
      ],
      t.io,
      isolated(),
    );
    expect(code).toBe(0);
    expect(t.stdout()).toMatch(/^nothing to fix: /);
    expect(t.stdout()).not.toContain(secret);
  });

  it("exits 0 when the dependency is already declared", async () => {
    nockPyPI("fastapi", { ageDays: 3000 });
    const t = io();
    const code = await fixCommand(
      ["--repo", repo, "--service", "api", "--log", log("ModuleNotFoundError: No module named 'fastapi'\n")],
      t.io,
      isolated(),
    );
    expect(code).toBe(0);
    expect(t.stdout()).toContain(
      "nothing to fix: services/api/requirements/prod.txt already lists fastapi==0.111.0",
    );
  });

  it("exits 3 with the policy's reasons when the fix is refused", async () => {
    rmSync(join(repo, "services/native/requirements.txt"));
    symlinkSync("../api/requirements/base.txt", join(repo, "services/native/requirements.txt"));
    execFileSync("git", ["init", "-q", repo]);
    execFileSync("git", ["-C", repo, "add", "-A"]);
    const t = io();
    const code = await fixCommand(
      ["--repo", repo, "--service", "native", "--log", log("ModuleNotFoundError: No module named 'yaml'\n")],
      t.io,
      isolated(),
    );
    expect(code).toBe(3);
    expect(t.stdout()).toContain(
      "refused by policy:\n- services/native/requirements.txt: is a symlink (mode 120000)",
    );
  });

  it("warns when the log points at another service", async () => {
    const t = io();
    await fixCommand(["--repo", repo, "--service", "bare", "--log", log(YAML_LOG)], t.io, isolated());
    expect(t.stderr()).toContain("warning: the log points at api, not at 'bare'");
  });

  it("rejects unknown services, listing the valid ones", async () => {
    const run = fixCommand(["--repo", repo, "--service", "nope", "--log", log(YAML_LOG)], io().io);
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      fixCommand(["--repo", repo, "--service", "nope", "--log", log(YAML_LOG)], io().io),
    ).rejects.toThrow("unknown service 'nope'; services in");
    await expect(
      fixCommand(["--repo", repo, "--service", "nope", "--log", log(YAML_LOG)], io().io),
    ).rejects.toThrow("api, worker, web, native, bare, fresh, hashed");
  });

  it("names a missing config file, and the key paths of an invalid one (exit 2)", async () => {
    rmSync(join(repo, ".github/orchestrator.yml"));
    await expect(
      fixCommand(["--repo", repo, "--service", "api", "--log", log(YAML_LOG)], io().io),
    ).rejects.toThrow(/no config at .*orchestrator.yml/);
    writeFileSync(
      join(repo, ".github/orchestrator.yml"),
      "services:\n  api:\n    path: ../x\n    colour: red\n",
    );
    const t = io();
    expect(
      await fixCommand(["--repo", repo, "--service", "api", "--log", log(YAML_LOG)], t.io, isolated()),
    ).toBe(2);
    expect(t.stderr()).toContain("`services.api.path`");
    expect(t.stderr()).toContain("colour");
  });

  it("rejects bad usage: missing options, unknown flags, a missing log", async () => {
    await expect(fixCommand(["--repo", repo], io().io)).rejects.toThrow("missing --service, --log");
    await expect(
      fixCommand(["--repo", repo, "--service", "api", "--log", "x", "--force"], io().io),
    ).rejects.toThrow(/Unknown option '--force'/);
    await expect(
      fixCommand(["--repo", repo, "--service", "api", "--log", join(work, "none.log")], io().io),
    ).rejects.toThrow(/cannot read log file '.*none\.log': no such file or directory/);
  });

  it('--no-lookup makes no request (the network is off) and adds a Poetry dependency as "*"', async () => {
    const t = io();
    const code = await fixCommand(
      [
        "--repo",
        repo,
        "--service",
        "worker",
        "--log",
        log(YAML_LOG.replaceAll("api", "worker")),
        "--no-lookup",
      ],
      t.io,
      isolated(),
    );
    expect(code, t.stdout()).toBe(0);
    expect(t.stdout()).toContain('\n+PyYAML = "*"\n');
    expect(t.stdout()).toContain("not checked on PyPI and added without a version");
  });

  it("prints usage for --help", async () => {
    const t = io();
    expect(await fixCommand(["--help"], t.io, isolated())).toBe(0);
    expect(t.stdout()).toContain("usage: orchestrator fix --repo DIR --service NAME --log FILE [--write]");
  });
});
