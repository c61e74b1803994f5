import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerCheck, githubCheck, readiness, workspaceCheck } from "../../../runner/status/readiness.js";

const CONFIG = ".github/orchestrator.yml";

describe("readiness", () => {
  let root: string;
  let workspace: string;
  let stateDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "readiness-"));
    workspace = join(root, "ws");
    stateDir = join(root, "state");
    mkdirSync(join(workspace, ".github"), { recursive: true });
    writeFileSync(join(workspace, CONFIG), "services: {}\n");
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("is ready when every check passes, naming each", async () => {
    const result = await readiness([
      dockerCheck({ ping: async () => {} }),
      workspaceCheck(workspace, stateDir, CONFIG),
      githubCheck({ lastPassAt: "2026-01-01T00:00:00Z", failures: 0, lastError: null }),
    ]);
    expect(result).toEqual({
      ready: true,
      checks: {
        docker: { ok: true, reason: null },
        workspace: { ok: true, reason: null },
        github: { ok: true, reason: null },
      },
      reasons: [],
    });
  });

  it("lists every reason when checks fail: Docker down, no config, GitHub failing", async () => {
    rmSync(join(workspace, CONFIG));
    const result = await readiness([
      dockerCheck({
        ping: async () => {
          throw new Error("Docker daemon unreachable at unix:///nowhere.sock: connect ENOENT");
        },
      }),
      workspaceCheck(workspace, stateDir, CONFIG),
      githubCheck({ lastPassAt: null, failures: 2, lastError: "HTTP 502 from GitHub" }),
    ]);
    expect(result.ready).toBe(false);
    expect(result.reasons).toEqual([
      "docker: Docker daemon unreachable at unix:///nowhere.sock: connect ENOENT",
      `workspace: no ${CONFIG} in ${workspace}`,
      "github: the last 2 poll pass(es) failed: HTTP 502 from GitHub",
    ]);
    expect(result.checks.docker).toEqual({
      ok: false,
      reason: "Docker daemon unreachable at unix:///nowhere.sock: connect ENOENT",
    });
  });

  it("names a missing workspace, a GitHub never reached, and a check that throws", async () => {
    const result = await readiness([
      workspaceCheck(join(root, "gone"), stateDir, CONFIG),
      githubCheck({ lastPassAt: null, failures: 0, lastError: null }),
      {
        name: "custom",
        check: async () => {
          throw new Error("boom");
        },
      },
    ]);
    expect(result.reasons).toEqual([
      `workspace: workspace ${join(root, "gone")} does not exist`,
      "github: no poll pass has reached GitHub yet",
      "custom: boom",
    ]);
  });

  it("names a state dir it cannot write", async () => {
    // Under a regular file: not even root can make it.
    const blocked = join(workspace, CONFIG, "state");
    const result = await readiness([workspaceCheck(workspace, blocked, CONFIG)]);
    expect(result.reasons).toEqual([
      `workspace: state dir ${blocked} cannot be written: ${enotdir(blocked)}`,
    ]);
  });
});

function enotdir(path: string): string {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${path} could be made`);
}
