import { afterAll, beforeAll, expect, it } from "vitest";
import { describeDocker } from "../../helpers/docker.js";
import { createStack, type Stack } from "../stack.js";
import { deployViaCli, httpProbes, latestRun, lockHeld, startScript } from "./deploy-cli.js";

const T = 200_000;

describeDocker("CLI deploy of a service that needs 3 s before it listens (real process, real Docker)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("clislow");
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "does not die in verify: exit 0, the new version serving, the run finished and the lock free",
    async () => {
      stack.variant("slow", {
        "services/web/start.sh": startScript("start-listens-after-3s.sh"),
        "services/web/www/version": "slow\n",
      });

      const deploy = await deployViaCli(stack, "slow");

      expect(deploy.signal, deploy.output).toBeNull();
      expect(deploy.code, deploy.output).toBe(0);
      expect(deploy.output).toContain("web: SUCCESS");
      expect(await stack.get("/version")).toBe("slow");
      const { summary, verifyLog } = latestRun(stack);
      expect(summary.status).toBe("success");
      expect(summary.verify?.ok).toBe(true);
      // The service really was not answering when verification began, and answered later.
      const http = httpProbes(verifyLog);
      expect(http[0], verifyLog).toBe(false);
      expect(http.at(-1), verifyLog).toBe(true);
      expect(summary.verify!.startMs!).toBeGreaterThan(1_000);
      expect(lockHeld(stack)).toBe(false);
    },
    T,
  );
});
