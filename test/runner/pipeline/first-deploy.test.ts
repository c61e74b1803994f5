import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../helpers/docker.js";
import { recordingReporter } from "../recording-reporter.js";
import { COMPOSE_LABEL, createStack, type Stack } from "../stack.js";

const T = 120_000;

describeDocker(`a failed FIRST deploy on real Docker (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("first");
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "has nothing to roll back to, so it stops the new container and says so",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      stack.variant("no-health", { "services/web/www/health": null, "services/web/www/version": "v2\n" });
      const reporter = recordingReporter();

      const result = await runDeploy(stack.deployRequest("no-health"), { reporter });

      expect(result.status, result.reason).toBe("failed");
      expect(result.rollbackPoint).toBeNull();
      expect(result.reason).toMatch(
        /^verification failed: .*; there was no previous container to roll back to \(first deploy\), so the new container was stopped: the service is not running$/,
      );
      expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
        ["prepare", true],
        ["checkout", true],
        ["build", true],
        ["up", true],
        ["verify", false],
        ["stop", true],
        ["restore-workspace", true],
      ]);
      // Stopped, not removed, and `restart: always` does not bring it back.
      const stateOf = async () =>
        (
          await new Docker().listContainers({
            all: true,
            filters: {
              label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=web"],
            },
          })
        ).map((c) => c.State);
      expect(await stateOf()).toEqual(["exited"]);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await stateOf()).toEqual(["exited"]);
      expect(await stack.get("/version")).toBeNull();
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
      expect(readFileSync(join(result.artifactsDir, "rollback.log"), "utf8")).toMatch(
        /no previous container to roll back to \(first deploy\)[\s\S]*stop web/,
      );
      expect(reporter.finished.map((r) => r.status)).toEqual(["failed"]);
    },
    T,
  );
});
