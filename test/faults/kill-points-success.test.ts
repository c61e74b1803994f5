import { afterAll, beforeAll, it } from "vitest";
import { describeDocker } from "../helpers/docker.js";
import { createStack, type Stack } from "../runner/stack.js";
import { killEveryBoundary, shortenWatch } from "./kill-points-suite.js";

describeDocker("kill points along a deploy that verifies (local runs, reconcile)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("killok");
    shortenWatch(stack);
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("recovers from a SIGKILL after every journal event: old or new version serving, one report, no lock", async () => {
    const attempt = (i: number) => {
      const version = `ok${i}`;
      return { ref: stack.variant(`ok-${i}`, { "services/web/www/version": `${version}\n` }), version };
    };
    await killEveryBoundary("success path", { stack, attempt, cleanStatus: "success" }, attempt(999));
  }, 900_000);
});
