import { gzipSync } from "node:zlib";
import { statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnoseCommand } from "../../src/cli/diagnose-command.js";
import { UsageError } from "../../src/cli/io.js";
import { redactor } from "../../src/redact/redactor.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/logs/", import.meta.url));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "diagnose-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("orchestrator diagnose --json", () => {
  it("prints exactly one JSON object with the documented keys for a fixable log", async () => {
    const run = capture();
    const code = await diagnoseCommand(["--log", join(FIXTURES, "header-zlib.log"), "--json"], run.io);
    expect(code).toBe(0);
    const lines = run.stdout().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      fixable: true,
      kind: "system_package",
      package: "zlib1g-dev",
      ecosystem: "debian",
      registry_checked: false,
      registry_note: "not needed: system packages come only from the built-in map",
      missing: "zlib.h",
      confidence: 0.81,
      reason: expect.stringContaining("Debian names assumed"),
      evidence: ["fatal error: zlib.h: No such file or directory"],
      truncated: false,
      bytes_read: statSync(join(FIXTURES, "header-zlib.log")).size,
      distro: { name: "debian", source: "assumed" },
      assumed_distro: "debian",
    });
    expect(run.stderr()).toBe("");
  });

  it("exits 0 with fixable false for a look-alike", async () => {
    const run = capture();
    expect(
      await diagnoseCommand(["--json", "--log", join(FIXTURES, "lookalike-node-relative.log")], run.io),
    ).toBe(0);
    expect(JSON.parse(run.stdout())).toMatchObject({
      fixable: false,
      kind: null,
      package: null,
      ecosystem: null,
    });
  });

  it("redacts secrets in evidence", async () => {
    const secret = "s3cr3t-token-value-123456";
    redactor.add(secret);
    const log = join(dir, "secret.log");
    await writeFile(
      log,
      `ModuleNotFoundError: No module named 'yaml' (token ${secret})\nghp_${"a".repeat(36)}: not found\n`,
    );
    const run = capture();
    await diagnoseCommand(["--log", log, "--json"], run.io);
    expect(run.stdout()).not.toContain(secret);
    expect(run.stdout()).toContain("***");
  });
});

describe("orchestrator diagnose (human summary)", () => {
  it("names the package, the families, the services and the evidence", async () => {
    const run = capture();
    await diagnoseCommand(["--log", join(FIXTURES, "tool-enogit-compose.log")], run.io);
    expect(run.stdout()).toContain("fixable: missing tool 'git': install git (Debian) / git (Alpine)");
    expect(run.stdout()).toContain("packages: debian: git, alpine: git, rpm: git");
    expect(run.stdout()).toContain("services named in the log: webpack");
    expect(run.stdout()).toContain("  npm ERR! No git binary found in $PATH");
  });
});

describe("--repo", () => {
  it("uses the checkout's files and its config maps", async () => {
    const repo = join(dir, "repo");
    await mkdir(join(repo, ".github"), { recursive: true });
    await mkdir(join(repo, "services/api/billing"), { recursive: true });
    await writeFile(join(repo, "services/api/requirements.txt"), "flask\n");
    await writeFile(join(repo, "services/api/billing/__init__.py"), "");
    await writeFile(
      join(repo, ".github/orchestrator.yml"),
      "services:\n  api:\n    path: services/api\nmaps:\n  python:\n    acme: acme-sdk\n",
    );
    const own = join(dir, "own.log");
    await writeFile(own, "ModuleNotFoundError: No module named 'billing'\n");
    const mapped = join(dir, "mapped.log");
    await writeFile(mapped, "ModuleNotFoundError: No module named 'acme'\n");

    const ownRun = capture();
    await diagnoseCommand(["--log", own, "--repo", repo], ownRun.io);
    expect(ownRun.stdout()).toContain(
      "'billing' is the project's own module (services/api/billing/__init__.py)",
    );
    const mappedRun = capture();
    await diagnoseCommand(["--log", mapped, "--repo", repo, "--json"], mappedRun.io);
    expect(JSON.parse(mappedRun.stdout()).package).toBe("acme-sdk");
  });

  it("reports an invalid config by key", async () => {
    const repo = join(dir, "bad-repo");
    await mkdir(join(repo, ".github"), { recursive: true });
    await writeFile(join(repo, ".github/orchestrator.yml"), "services:\n  api:\n    path: /abs\n");
    const promise = diagnoseCommand(
      ["--log", join(FIXTURES, "header-zlib.log"), "--repo", repo],
      capture().io,
    );
    await expect(promise).rejects.toThrow(UsageError);
    await expect(promise).rejects.toThrow(/services\.api\.path/);
  });
});

describe("bad input", () => {
  it.each([
    [["--json"], /--log FILE is required/],
    [["--log"], /argument missing/],
    [["--log", "x.log", "--verbose"], /Unknown option '--verbose'/],
    [["--log", "x.log", "extra"], /Unexpected argument 'extra'/],
  ])("%j is a usage error", async (argv, message) => {
    await expect(diagnoseCommand(argv, capture().io)).rejects.toThrow(message);
  });

  it("refuses a compressed log as a usage error (exit 2), saying what it is", async () => {
    const gz = join(dir, "build.log.gz");
    await writeFile(gz, gzipSync(Buffer.from("ModuleNotFoundError: No module named 'yaml'\n")));
    const error = await diagnoseCommand(["--log", gz, "--json"], capture().io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/build\.log\.gz' is not a text log: it is gzip-compressed/);
  });

  it("--repo: a package the checkout declares is not proposed again", async () => {
    const repo = join(dir, "declared");
    await mkdir(repo, { recursive: true });
    await writeFile(join(repo, "requirements.txt"), "PyYAML==6.0.1\n");
    await writeFile(join(repo, "Dockerfile"), "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n");
    const log = join(dir, "declared.log");
    await writeFile(log, "ModuleNotFoundError: No module named 'yaml'\n");
    const run = capture();
    await diagnoseCommand(["--log", log, "--repo", repo, "--json"], run.io);
    expect(JSON.parse(run.stdout())).toMatchObject({
      fixable: false,
      reason: expect.stringContaining("declared but not installed in the image (likely cause: a stale image"),
    });
  });

  it("names a missing or unreadable log file", async () => {
    const missing = join(dir, "nope.log");
    await expect(diagnoseCommand(["--log", missing], capture().io)).rejects.toThrow(
      new UsageError(`cannot read log file '${missing}': no such file or directory`),
    );
    await expect(diagnoseCommand(["--log", dir], capture().io)).rejects.toThrow(/not a regular file/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, "locked.log");
      await writeFile(locked, "x\n");
      await chmod(locked, 0o000);
      await expect(diagnoseCommand(["--log", locked], capture().io)).rejects.toThrow(/permission denied/);
    }
  });
});
