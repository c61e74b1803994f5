import { afterAll, beforeAll, it } from "vitest";
import { describeDocker } from "../helpers/docker.js";
import { createStack, type Stack } from "../runner/stack.js";
import { killEveryBoundary, shortenWatch } from "./kill-points-suite.js";

describeDocker("kill points along a deploy that is rolled back (local runs, reconcile)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("killrb");
    shortenWatch(stack);
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("recovers from a SIGKILL after every journal event: the old version serving, one report, no lock", async () => {
    // Each attempt is a new version whose /health is gone: verification fails and the runner rolls back.
    const attempt = (i: number) => {
      const version = `bad${i}`;
      const ref = stack.variant(`bad-${i}`, {
        "services/web/www/version": `${version}\n`,
        "services/web/www/health": null,
      });
      return { ref, version };
    };
    const good = { ref: stack.variant("good", { "services/web/www/version": "good\n" }), version: "good" };
    await killEveryBoundary("rollback path", { stack, attempt, cleanStatus: "rolled_back" }, good);
  }, 900_000);
});
