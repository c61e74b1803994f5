import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../runner/cli/main.js";
import type { RunStart } from "../../../runner/journal/events.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import { describeDocker } from "../../helpers/docker.js";
import { createStack, type Stack } from "../stack.js";
import { runCli } from "./run-cli.js";

/** `status` and `runs` after a real rollback, all through the CLI process. */

const T = 180_000;

interface StatusJson {
  stateDir: string;
  exists: boolean;
  empty: boolean;
  services: Record<
    string,
    {
      state: string;
      live: { sha: string; since: string; runId: string; via: string } | null;
      lastFailure: { runId: string; status: string; sha: string; at: string; reason: string } | null;
      inProgress: unknown;
    }
  >;
  locks: unknown[];
  needsReconcile: unknown[];
}

interface RunRow {
  runId: string;
  service: string;
  ref: string;
  status: string;
  targetSha: string;
  previousSha: string;
  startedAt: string;
  finishedAt: string;
  reason: string;
  reported: boolean;
  artifactsDir: string;
}

describeDocker("status after a rollback (CLI process, real Docker)", () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    stack = await createStack("status");
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      COMPOSE_PROJECT_NAME: stack.project,
      RUNNER_STATE_DIR: stack.stateDir,
      RUNNER_WORKSPACE: stack.workspace,
    };
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("says which state dir it read, and that it is empty", async () => {
    const missing = await runCli(["status"], { env });
    expect(missing.code, missing.output).toBe(0);
    expect(missing.output).toBe(`state dir: ${stack.stateDir} (does not exist: no deploys recorded)\n`);
    const emptyDir = mkdtempSync(join(tmpdir(), "status-empty-"));
    try {
      const empty = await runCli(["status", "--json"], { env: { ...env, RUNNER_STATE_DIR: emptyDir } });
      expect(JSON.parse(empty.output)).toEqual({
        stateDir: emptyDir,
        exists: true,
        empty: true,
        services: {},
        locks: [],
        needsReconcile: [],
      });
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it(
    "after a failed health check and a rollback: live = the good version, failed = the broken attempt",
    async () => {
      writeFileSync(join(stack.workspace, "services/web/www/version"), "good\n");
      stack.git("commit", "-q", "-am", "good version");
      const good = stack.git("rev-parse", "HEAD");
      const deployed = await runCli(["deploy", "web"], { env });
      expect(deployed.code, deployed.output).toBe(0);
      expect(await stack.get("/version")).toBe("good");

      stack.git("rm", "-q", "services/web/www/health");
      stack.git("commit", "-q", "-m", "broken health");
      const broken = stack.git("rev-parse", "HEAD");
      const failed = await runCli(["deploy", "web"], { env });
      expect(failed.code, failed.output).toBe(3);
      expect(failed.output).toContain("web: ROLLED_BACK");
      expect(await stack.get("/version")).toBe("good");

      const runs = JSON.parse((await runCli(["runs", "--json"], { env })).output) as RunRow[];
      expect(runs.map((r) => [r.status, r.targetSha, r.reported])).toEqual([
        ["rolled_back", broken, true],
        ["success", good, true],
      ]);
      const rollbackRun = runs[0]!;
      expect(rollbackRun.artifactsDir).toBe(join(stack.stateDir, "runs", rollbackRun.runId));

      const text = await runCli(["status"], { env });
      expect(text.code, text.output).toBe(0);
      const lines = text.output.trimEnd().split("\n");
      expect(lines[0]).toBe(`state dir: ${stack.stateDir}`);
      expect(lines[1]).toBe("web");
      expect(lines[2]).toBe(
        `  live:   ${good.slice(0, 12)}  since ${rollbackRun.finishedAt}  run ${rollbackRun.runId} (restored by rollback and verified)`,
      );
      expect(lines[3]).toMatch(
        new RegExp(
          `^  failed: ${broken.slice(0, 12)}  at ${rollbackRun.finishedAt}  run ${rollbackRun.runId} \\(rolled back\\): verification failed: .*rolled back to the previous image$`,
        ),
      );
      expect(lines).toHaveLength(4);

      const json = JSON.parse((await runCli(["status", "--json"], { env })).output) as StatusJson;
      expect(json).toMatchObject({ stateDir: stack.stateDir, exists: true, empty: false, locks: [] });
      expect(json.needsReconcile).toEqual([]);
      expect(json.services.web).toEqual({
        state: "live",
        live: { sha: good, since: rollbackRun.finishedAt, runId: rollbackRun.runId, via: "rollback" },
        lastFailure: {
          runId: rollbackRun.runId,
          status: "rolled_back",
          ref: "HEAD",
          sha: broken,
          at: rollbackRun.finishedAt,
          reason: rollbackRun.reason,
        },
        inProgress: null,
      });

      // Deploying the good version again clears the failure: live = that deploy.
      stack.git("revert", "--no-edit", "HEAD");
      const fixed = stack.git("rev-parse", "HEAD");
      const again = await runCli(["deploy", "web"], { env });
      expect(again.code, again.output).toBe(0);
      const after = JSON.parse((await runCli(["status", "--json"], { env })).output) as StatusJson;
      expect(after.services.web!.live).toMatchObject({ sha: fixed, via: "deploy" });
      expect(after.services.web!.lastFailure).toBeNull();
    },
    T,
  );
});

describe("runs --json and status --json for a run without a result", () => {
  it("give every key, null where the journal has no value yet", async () => {
    const state = mkdtempSync(join(tmpdir(), "runs-json-"));
    try {
      const runId = "20260101T000000000Z-web-cccccc";
      const start: RunStart = {
        type: "run-start",
        at: "2026-01-01T00:00:00.000Z",
        runId,
        service: "web",
        composeService: "web",
        ref: "feature",
        workspace: "/ws",
        project: "p",
        composeFiles: [],
        flavor: "v1",
        healthUrl: null,
        timeoutMs: 1,
        watchMs: 1,
        pid: 999_999,
        hostname: "elsewhere",
        meta: {},
      };
      const dir = createRunDir(state, runId);
      appendEvent(dir, start);
      appendEvent(dir, { type: "step-start", at: "x", step: "build" });
      let out = "";
      const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => {} } };
      expect(await main(["runs", "--json"], io, { RUNNER_STATE_DIR: state })).toBe(0);
      expect(JSON.parse(out)).toEqual([
        {
          runId,
          service: "web",
          ref: "feature",
          status: "in progress",
          targetSha: null,
          previousSha: null,
          startedAt: "2026-01-01T00:00:00.000Z",
          finishedAt: null,
          durationMs: null,
          reason: null,
          step: "build",
          reported: false,
          artifactsDir: dir,
        },
      ]);
      out = "";
      expect(await main(["status", "--json"], io, { RUNNER_STATE_DIR: state })).toBe(0);
      expect(JSON.parse(out)).toEqual({
        stateDir: state,
        exists: true,
        empty: false,
        services: {
          web: {
            state: "none",
            live: null,
            lastFailure: null,
            inProgress: { runId, ref: "feature", sha: null, step: "build", startedAt: start.at },
          },
        },
        locks: [],
        needsReconcile: [{ runId, service: "web", finished: false, step: "build" }],
      });
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
