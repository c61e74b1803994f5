import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listRunIds, readEvents, runDir } from "../../../runner/journal/journal-file.js";
import { reconcile } from "../../../runner/pipeline/reconcile.js";
import { main } from "../../../runner/cli/main.js";
import { describeDocker } from "../../helpers/docker.js";
import { spawnRunnerCli } from "../cli-process.js";
import { recordingReporter } from "../recording-reporter.js";
import { COMPOSE_LABEL, createStack, type Stack } from "../stack.js";

const T = 150_000;

/** Waits until a run newer than the ones already there shows `step` started; returns its id. */
async function waitForStepStart(stack: Stack, step: string, timeoutMs: number): Promise<string> {
  const known = new Set(listRunIds(stack.stateDir));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const id of listRunIds(stack.stateDir).filter((runId) => !known.has(runId))) {
      if (readEvents(runDir(stack.stateDir, id)).some((e) => e.type === "step-start" && e.step === step))
        return id;
    }
    await sleep(20);
  }
  throw new Error(`no run reached step '${step}' within ${timeoutMs} ms`);
}

describeDocker(`a runner killed mid-deploy is reconciled on restart (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("reconcile");
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "kill -9 as soon as `up` started: the restarted runner settles the run consistently and reports it once",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      const sha = stack.variant("v2", { "services/web/www/version": "v2\n" }, before);
      const runStep = waitForStepStart(stack, "up", 60_000);
      const cli = spawnRunnerCli(["deploy", "web", "--ref", "v2"], stack.env);
      const runId = await runStep;
      cli.child.kill("SIGKILL");
      const exit = await cli.exited;
      expect(exit.signal).toBe("SIGKILL");
      expect(readEvents(runDir(stack.stateDir, runId)).some((e) => e.type === "result")).toBe(false);

      const reporter = recordingReporter();
      const outcomes = await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env });

      expect(outcomes.map((o) => [o.runId, o.action])).toEqual([[runId, "settle"]]);
      const result = outcomes[0]!.result!;
      expect(result.reconciled).toBe(true);
      // Compose may or may not have recreated the container before it lost its parent; either way
      // what serves, where the workspace is and what was reported must agree.
      if (result.status === "success") {
        expect(await stack.get("/version")).toBe("v2");
        expect(stack.git("rev-parse", "HEAD")).toBe(sha);
      } else {
        expect(result.status, result.reason).toBe("rolled_back");
        expect(await stack.get("/version")).toBe("v1");
        expect(stack.git("rev-parse", "HEAD")).toBe(before);
      }
      expect(reporter.finished.map((r) => [r.runId, r.status])).toEqual([[runId, result.status]]);

      // A second restart finds nothing left to do and reports nothing again.
      const again = recordingReporter();
      expect(await reconcile({ stateDir: stack.stateDir, reporter: again, env: stack.env })).toEqual([]);
      expect(again.finished).toEqual([]);
      const events = readEvents(runDir(stack.stateDir, runId));
      expect(events.filter((e) => e.type === "reported")).toHaveLength(1);
      expect(events.filter((e) => e.type === "result")).toHaveLength(1);

      // `runs` shows it as reported.
      let out = "";
      const code = await main(
        ["runs", "--json"],
        { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => {} } },
        stack.env,
      );
      expect(code).toBe(0);
      const rows = JSON.parse(out) as Array<{ runId: string; status: string; reported: boolean }>;
      expect(rows.find((r) => r.runId === runId)).toMatchObject({ status: result.status, reported: true });
    },
    T,
  );

  it(
    "kill -9 during the verify of a good deploy: the restarted runner verifies and finishes it",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      const sha = stack.variant("v3", { "services/web/www/version": "v3\n" }, before);
      const runStep = waitForStepStart(stack, "verify", 60_000);
      const cli = spawnRunnerCli(["deploy", "web", "--ref", "v3"], stack.env);
      const runId = await runStep;
      cli.child.kill("SIGKILL");
      await cli.exited;

      const reporter = recordingReporter();
      const outcomes = await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env });
      expect(outcomes.map((o) => [o.runId, o.action])).toEqual([[runId, "settle"]]);
      expect(outcomes[0]!.result!.status, outcomes[0]!.result!.reason).toBe("success");
      expect(outcomes[0]!.result!.reason).toContain("finished after a runner restart");
      expect(await stack.get("/version")).toBe("v3");
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);
      expect(reporter.finished).toHaveLength(1);
    },
    T,
  );

  it(
    "kill -9 during the watch of a failing deploy: the restarted runner rolls it back",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      stack.variant(
        "no-health",
        { "services/web/www/health": null, "services/web/www/version": "v4\n" },
        before,
      );
      const runStep = waitForStepStart(stack, "verify", 60_000);
      const cli = spawnRunnerCli(["deploy", "web", "--ref", "no-health"], stack.env);
      const runId = await runStep;
      cli.child.kill("SIGKILL");
      await cli.exited;

      const reporter = recordingReporter();
      const outcomes = await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env });
      expect(outcomes.map((o) => [o.runId, o.action])).toEqual([[runId, "settle"]]);
      expect(outcomes[0]!.result!.status).toBe("rolled_back");
      expect(await stack.get("/version")).toBe("v3");
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
      expect(reporter.finished).toHaveLength(1);
    },
    T,
  );
});
