import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDocker } from "../helpers/docker.js";
import { freePort } from "../runner/stack.js";
import { buildDist, ROOT } from "./build-dist.js";

interface Exit {
  code: number | null;
  output: string;
}

/** `node bin/orchestrator.js demo ...` as its own process, stdin not a terminal. */
function runDemo(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/orchestrator.js"), "demo", ...args], {
      cwd: tmpdir(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
}

function runStatuses(stateDir: string): string[] {
  return readdirSync(join(stateDir, "runs"))
    .sort()
    .map(
      (id) => JSON.parse(readFileSync(join(stateDir, "runs", id, "summary.json"), "utf8")).status as string,
    );
}

const roots: string[] = [];
function newRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "orch-demo-test-"));
  roots.push(dir);
  return join(dir, "demo");
}

beforeAll(() => buildDist(), 180_000);
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe("orchestrator demo (process)", () => {
  it("without --yes and without a terminal it refuses before doing anything (exit 2)", async () => {
    const dir = newRoot();
    const result = await runDemo(["--dir", dir, "--no-docker"]);
    expect(result.code).toBe(2);
    expect(result.output).toContain("pass --yes when stdin is not a terminal");
    expect(existsSync(dir)).toBe(false);
  });

  it("rejects a bad --port and an unknown flag with exit 2", async () => {
    const bad = await runDemo(["--yes", "--port", "99999"]);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("--port must be a TCP port");
    const unknown = await runDemo(["--yes", "--colour"]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("--colour");
  });

  it("--help prints the usage with exit 0", async () => {
    const result = await runDemo(["--help"]);
    expect(result.code).toBe(0);
    expect(result.output).toContain("usage: orchestrator demo");
  });

  it("--no-docker diagnoses the captured log, commits and merges the fix, and says what it skipped", async () => {
    const dir = newRoot();
    const result = await runDemo(["--yes", "--no-docker", "--dir", dir]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("missing header 'zlib.h'");
    expect(result.output).toMatch(/skipped: Docker is not usable: --no-docker was given/);
    expect(result.output).toContain("+RUN apk add --no-cache zlib-dev");
    const repo = join(dir, "shop");
    expect(readFileSync(join(repo, "services/shop/Dockerfile"), "utf8")).toContain(
      "RUN apk add --no-cache zlib-dev",
    );
    expect(git(repo, "branch", "--list", "orchestrator/shop/*")).toMatch(/orchestrator\/shop\/[0-9a-f]{10}/);
    expect(git(repo, "log", "-1", "--format=%P", "main").split(" ")).toHaveLength(2);
    expect(readFileSync(join(dir, "demo/pull-request.md"), "utf8")).toContain("### What failed");
    expect(existsSync(join(dir, "state"))).toBe(false);
  });

  it("without a reachable engine it runs the fix half and names the engine it tried", async () => {
    const dir = newRoot();
    const port = await freePort();
    const result = await runDemo(["--yes", "--dir", dir], {
      ...process.env,
      DOCKER_HOST: `tcp://127.0.0.1:${port}`,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`no Docker engine answers at tcp://127.0.0.1:${port}`);
    expect(result.output).toContain("skipped");
    expect(git(join(dir, "shop"), "log", "-1", "--format=%s", "main")).toMatch(/^Merge orchestrator\/shop\//);
  });
});

describeDocker("orchestrator demo on the real engine (process)", () => {
  it("exits 1 when a step does not do what it says, skips the rest and still cleans up", async () => {
    // A file that passes the static-ELF check but cannot run: the base image's RUN step fails.
    const fake = Buffer.alloc(64 + 56);
    fake.writeUInt32BE(0x7f454c46, 0);
    fake[4] = 2;
    fake[5] = 1;
    fake.writeBigUInt64LE(64n, 0x20);
    fake.writeUInt16LE(56, 0x36);
    fake.writeUInt16LE(1, 0x38);
    fake.writeUInt32LE(1, 64);
    const dir = newRoot();
    mkdirSync(dirname(dir), { recursive: true });
    const busybox = join(dirname(dir), "busybox");
    writeFileSync(busybox, fake, { mode: 0o755 });
    const project = `orchdemofail${process.pid}`;
    const result = await runDemo(["--yes", "--dir", dir, "--project", project, "--busybox", busybox]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(
      /\[2\/9\] build the offline base image[\s\S]*?FAILED \([^)]*\): docker build exited/,
    );
    expect(result.output).toContain("summary: a step did NOT do what it says");
    expect(result.output).toMatch(/3\. deploy main as it is.*skipped +an earlier step failed/);
    expect(result.output).toMatch(/9\. remove the demo's containers and images +ok/);
    expect(existsSync(join(dir, "state"))).toBe(false);
  }, 120_000);

  it("fails the build, fixes it, deploys the fix, rolls back a broken /health, cleans up (exit 0)", async () => {
    const dir = newRoot();
    const project = `orchdemotest${process.pid}`;
    const port = await freePort();
    const result = await runDemo(["--yes", "--dir", dir, "--project", project, "--port", String(port)]);
    expect(result.code, result.output).toBe(0);
    const out = result.output;
    expect(out).toMatch(
      /\[3\/9\] deploy main as it is[\s\S]*?ok \([^)]*\): the build failed and the running container was not touched/,
    );
    expect(out).toMatch(/\[4\/9\] diagnose[\s\S]*?ok \([^)]*\): missing header 'zlib.h'/);
    expect(out).toMatch(/\[5\/9\] write the fix[\s\S]*?\+RUN apk add --no-cache zlib-dev[\s\S]*?ok /);
    expect(out).toMatch(
      /\[7\/9\] deploy the merged fix[\s\S]*?ok \([^)]*\): deployed [0-9a-f]{12}.*\/version says "shop v1"/,
    );
    expect(out).toMatch(
      /\[8\/9\] deploy a change that breaks \/health[\s\S]*?HTTP 404[\s\S]*?ok \([^)]*\): verification failed and the previous image serves again/,
    );
    expect(out).toMatch(/\[9\/9\] remove the demo's containers and images\n\s+ok/);
    expect(out).toContain("summary: every step did what it says");

    // What the steps say, checked against the journal, the repository and the engine.
    const stateDir = join(dir, "state");
    expect(runStatuses(stateDir)).toEqual(["failed", "success", "rolled_back"]);
    const [failed, , rolledBack] = readdirSync(join(stateDir, "runs")).sort();
    expect(readFileSync(join(stateDir, "runs", failed!, "build.log"), "utf8")).toContain(
      "fatal error: zlib.h: No such file or directory",
    );
    expect(readFileSync(join(stateDir, "runs", rolledBack!, "verify.log"), "utf8")).toContain("404");
    const repo = join(dir, "shop");
    expect(git(repo, "log", "--format=%s", "main")).toMatch(
      /shop v2[\s\S]*Merge orchestrator\/shop\/[\s\S]*shop v1/,
    );
    const docker = new Docker();
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    expect(left).toEqual([]);
    const images = await docker.listImages({ filters: { label: [`orchestrator.demo=${project}`] } });
    expect(images).toEqual([]);
  }, 170_000);
});
