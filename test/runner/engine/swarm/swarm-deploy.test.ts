/**
 * The swarm engine on a real single-node swarm: a first deploy (stack deploy), a good update
 * (service update to <image>:<sha12>), a failed health check rolled back to the previous image, and
 * two deploys of the service at once, serialized by the lock.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { readEvents, runDir } from "../../../../runner/journal/journal-file.js";
import { runDeploy } from "../../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../../helpers/docker.js";
import { recordingReporter } from "../../recording-reporter.js";
import { createSwarmStack, type SwarmStack } from "./swarm-stack.js";

const T = 180_000;

describeDocker("swarm engine on a single-node swarm", () => {
  let stack: SwarmStack;
  beforeAll(async () => {
    stack = await createSwarmStack("deploy", { port: 16110 });
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  const swarmTarget = (runId: string) =>
    readEvents(runDir(stack.stateDir, runId)).find((e) => e.type === "swarm-target");

  it(
    "a first deploy creates the stack; a good update moves every task to <image>:<sha12> and serves it",
    async () => {
      const v1 = stack.git("rev-parse", "HEAD");
      const first = await runDeploy(stack.deployRequest("main"));
      expect(first.status, first.reason).toBe("success");
      expect(swarmTarget(first.runId)).toMatchObject({ method: "stack-deploy", previousImage: null });
      expect(stack.serviceImage()).toBe(`${stack.project}-web:${v1.slice(0, 12)}`);
      expect(await stack.get("/version")).toBe("v1");

      const sha = stack.variant("v2", { "services/web/www/version": "v2\n" });
      const reporter = recordingReporter();
      const result = await runDeploy(stack.deployRequest("v2"), { reporter });
      expect(result.status, result.reason).toBe("success");
      const image = `${stack.project}-web:${sha.slice(0, 12)}`;
      expect(swarmTarget(result.runId)).toMatchObject({
        method: "service-update",
        previousImage: `${stack.project}-web:${v1.slice(0, 12)}`,
        image,
      });
      expect(result.steps.map((s) => s.step)).toEqual(["prepare", "checkout", "build", "up", "verify"]);
      expect(stack.serviceImage()).toBe(image);
      expect(await stack.runningTaskImages()).toEqual([image]);
      expect(await stack.get("/version")).toBe("v2");
      expect(result.verify?.probes.some((p) => p.kind === "http" && p.ok)).toBe(true);
      expect(reporter.finished.map((r) => r.status)).toEqual(["success"]);
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);
    },
    T,
  );

  it(
    "a new version whose health check fails is rolled back with docker service rollback; the old image serves again",
    async () => {
      const before = stack.serviceImage()!;
      const good = stack.git("rev-parse", "HEAD");
      stack.variant(
        "broken",
        { "services/web/www/health": null, "services/web/www/version": "broken\n" },
        good,
      );
      const result = await runDeploy(stack.deployRequest("broken"));
      expect(result.status, result.reason).toBe("rolled_back");
      expect(result.reason).toMatch(/verification failed/);
      expect(result.steps.map((s) => s.step)).toEqual([
        "prepare",
        "checkout",
        "build",
        "up",
        "verify",
        "rollback-up",
        "rollback-verify",
        "restore-workspace",
      ]);
      expect(result.rollbackVerify?.ok).toBe(true);
      expect(stack.serviceImage()).toBe(before);
      expect(await stack.runningTaskImages()).toEqual([before]);
      expect(await stack.get("/version")).toBe("v2");
      expect(stack.git("rev-parse", "HEAD")).toBe(good);
    },
    T,
  );

  it(
    "two deploys of the service at once are serialized: the second starts after the first finished",
    async () => {
      const base = stack.git("rev-parse", "HEAD");
      const a = stack.variant("v3", { "services/web/www/version": "v3\n" }, base);
      const b = stack.variant("v4", { "services/web/www/version": "v4\n" }, a);
      const [first, second] = await Promise.all([
        runDeploy(stack.deployRequest("v3")),
        runDeploy(stack.deployRequest("v4")),
      ]);
      const results = [first, second].sort((x, y) => x.startedAt.localeCompare(y.startedAt));
      expect(results.map((r) => r.status)).toEqual(["success", "success"]);
      const firstEnd = Date.parse(results[0]!.finishedAt);
      const secondSteps = readEvents(runDir(stack.stateDir, results[1]!.runId)).filter(
        (e) => e.type === "step-start",
      );
      expect(Date.parse(secondSteps[0]!.at)).toBeGreaterThanOrEqual(firstEnd);
      const last = results[1]!.targetSha!;
      expect([a, b]).toContain(last);
      expect(stack.serviceImage()).toBe(`${stack.project}-web:${last.slice(0, 12)}`);
      expect(await stack.get("/version")).toBe(last === a ? "v3" : "v4");
    },
    T,
  );
});
