/**
 * The swarm engine with two replicas on a real single-node swarm: every running task is verified
 * (container state, Docker health, watch window), and orchestrator.yml's deploy.strategy start-first
 * sets the service's update order over the stack file's stop-first. No published port: two
 * `mode: host` tasks cannot share one on a node, and the routing mesh needs IPVS, which the test
 * machines lack (README, Swarm); so the health is the image's HEALTHCHECK, per task.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDir } from "../../../../runner/journal/journal-file.js";
import { runDeploy } from "../../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../../helpers/docker.js";
import { createSwarmStack, type SwarmStack } from "./swarm-stack.js";

const T = 180_000;

/** The fixture's stack file with two replicas and no published port. */
function twoReplicas(text: string): string {
  const noPorts = text.replace(/\n    ports:\n(?: {6}.*\n)+/, "\n");
  if (noPorts === text) throw new Error("the swarm fixture's stack file has no ports block to drop");
  return noPorts.replace("replicas: 1", "replicas: 2");
}

describeDocker("swarm engine: two replicas, every task verified, start-first", () => {
  let stack: SwarmStack;
  beforeAll(async () => {
    stack = await createSwarmStack("replicas", { port: 19431 });
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  // No health URL (nothing is published): the default timeout and watch window.
  const request = (ref: string) => {
    const base = stack.deployRequest(ref);
    return {
      ...base,
      serviceConfig: {
        ...base.serviceConfig,
        health: undefined,
        deploy: { strategy: "start-first" as const, single_writer_volumes: [] },
      },
    };
  };

  it(
    "both tasks move to the new image and both are verified; the update order is start-first",
    async () => {
      const compose = readFileSync(join(stack.workspace, "docker-compose.yml"), "utf8");
      const two = stack.variant("two", { "docker-compose.yml": twoReplicas(compose) });
      const first = await runDeploy(request("two"));
      expect(first.status, first.reason).toBe("success");
      expect(first.reason).toContain(`2 task(s) on ${stack.project}-web:${two.slice(0, 12)}`);

      const sha = stack.variant("v2", { "services/web/www/version": "v2\n" }, "two");
      const result = await runDeploy(request("v2"));
      expect(result.status, result.reason).toBe("success");
      const image = `${stack.project}-web:${sha.slice(0, 12)}`;
      expect(result.reason).toContain(`2 task(s) on ${image}`);
      expect(await stack.runningTaskImages()).toEqual([image, image]);
      const prepare = result.steps.find((s) => s.step === "prepare");
      expect(prepare?.detail).toContain(
        "service-update; update order start-first (orchestrator.yml deploy.strategy, over the stack file's stop-first)",
      );
      const order = execFileSync(
        "docker",
        ["service", "inspect", "--format", "{{.Spec.UpdateConfig.Order}}", stack.service],
        { encoding: "utf8" },
      ).trim();
      expect(order).toBe("start-first");

      // Each task's container was looked at, and each went through the watch window.
      const tasks = execFileSync(
        "docker",
        ["service", "ps", "-q", "--no-trunc", "--filter", "desired-state=running", stack.service],
        { encoding: "utf8" },
      )
        .trim()
        .split("\n");
      expect(tasks).toHaveLength(2);
      const probes = result.verify!.probes;
      for (const id of tasks) {
        const mine = probes.filter((p) => p.detail.includes(`(${id.slice(0, 12)}): `));
        expect(
          mine.some((p) => p.kind === "docker-health" && p.ok),
          id,
        ).toBe(true);
        expect(
          mine.some((p) => p.kind === "watch" && p.ok),
          id,
        ).toBe(true);
      }
      const log = readFileSync(join(runDir(stack.stateDir, result.runId), "verify.log"), "utf8");
      for (const id of tasks) expect(log).toContain(`(${id.slice(0, 12)}) `);
    },
    T,
  );
});
