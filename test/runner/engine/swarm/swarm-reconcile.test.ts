/**
 * A swarm runner killed mid-deploy (SIGKILL at a journal event, through the failpoint) is finished
 * by the next runner from the journal alone: after `up` was journaled but before the CLI ran, the
 * service still runs the old image and is settled back on it; after the update went out, the new
 * image is verified and kept. Each result is reported once.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAILPOINT_ENV } from "../../../../runner/journal/failpoint.js";
import { reconcile } from "../../../../runner/pipeline/reconcile.js";
import { runDeploy } from "../../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../../helpers/docker.js";
import { spawnRunnerCli } from "../../cli-process.js";
import { recordingReporter } from "../../recording-reporter.js";
import { createSwarmStack, type SwarmStack } from "./swarm-stack.js";

const T = 180_000;

describeDocker("a killed swarm runner is reconciled on restart", () => {
  let stack: SwarmStack;
  beforeAll(async () => {
    stack = await createSwarmStack("reconcile", { port: 16111 });
    const first = await runDeploy(stack.deployRequest("main"));
    if (first.status !== "success") throw new Error(`first deploy: ${first.reason}`);
  }, T);
  afterAll(async () => {
    await stack?.cleanup();
  });

  async function killedAt(failpoint: string, ref: string) {
    const cli = spawnRunnerCli(["deploy", "web", "--ref", ref], { ...stack.env, [FAILPOINT_ENV]: failpoint });
    const exit = await cli.exited;
    expect(exit.signal, cli.output()).toBe("SIGKILL");
  }

  it(
    "killed right after `up` was journaled: the service never changed, the restarted runner rolls back to (keeps) the old image",
    async () => {
      const before = stack.serviceImage()!;
      const main = stack.git("rev-parse", "HEAD");
      stack.variant("v2", { "services/web/www/version": "v2\n" }, main);
      await killedAt("after:step-start/up", "v2");
      expect(stack.serviceImage()).toBe(before);

      const reporter = recordingReporter();
      const outcomes = await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env });
      expect(outcomes.map((o) => o.action)).toEqual(["settle"]);
      const result = outcomes[0]!.result!;
      expect(result.status, result.reason).toBe("rolled_back");
      expect(result.reconciled).toBe(true);
      expect(stack.serviceImage()).toBe(before);
      expect(await stack.get("/version")).toBe("v1");
      expect(stack.git("rev-parse", "HEAD")).toBe(main);
      expect(reporter.finished).toHaveLength(1);
      expect(await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env })).toEqual([]);
      expect(reporter.finished).toHaveLength(1);
    },
    T,
  );

  it(
    "killed after the update went out: the restarted runner verifies the new image and keeps it",
    async () => {
      const main = stack.git("rev-parse", "HEAD");
      const sha = stack.variant("v3", { "services/web/www/version": "v3\n" }, main);
      await killedAt("after:step-end/up", "v3");
      const image = `${stack.project}-web:${sha.slice(0, 12)}`;
      expect(stack.serviceImage()).toBe(image);

      const reporter = recordingReporter();
      const outcomes = await reconcile({ stateDir: stack.stateDir, reporter, env: stack.env });
      expect(outcomes.map((o) => o.action)).toEqual(["settle"]);
      const result = outcomes[0]!.result!;
      expect(result.status, result.reason).toBe("success");
      expect(result.reason).toMatch(/finished after a runner restart/);
      expect(await stack.runningTaskImages()).toEqual([image]);
      expect(await stack.get("/version")).toBe("v3");
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);
      expect(reporter.finished.map((r) => r.status)).toEqual(["success"]);
    },
    T,
  );
});
