import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeDocker } from "../../helpers/docker.js";
import { createStack, type Stack } from "../stack.js";
import { deployViaCli, latestRun, lockHeld, startScript } from "./deploy-cli.js";

const T = 240_000;

/** What must be the same in the container a rollback boots as in the one the deploy replaced. */
async function containerShape(project: string) {
  const docker = new Docker();
  const [listed] = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${project}`, "com.docker.compose.service=web"] },
  });
  const info = await docker.getContainer(listed!.Id).inspect();
  return {
    name: info.Name,
    image: info.Image,
    env: info.Config.Env,
    cmd: info.Config.Cmd,
    labels: info.Config.Labels,
    restart: info.HostConfig.RestartPolicy,
    ports: info.HostConfig.PortBindings as unknown,
    networks: Object.keys(info.NetworkSettings.Networks),
  };
}

describeDocker(
  "CLI deploy of a service that exits at once under restart: unless-stopped (real process)",
  () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await createStack("clicrash");
      stack.upInitial();
    });
    afterAll(async () => {
      await stack?.cleanup();
    });

    it(
      "rolls back: exit 3, the previous version serving, cause crash_loop, lock free, and the next deploy runs",
      async () => {
        const compose = readFileSync(join(stack.workspace, "docker-compose.yml"), "utf8");
        expect(compose).toContain("restart: always");
        stack.variant("crash", {
          "docker-compose.yml": compose.replace("restart: always", "restart: unless-stopped"),
          "services/web/start.sh": startScript("start-exits-at-once.sh"),
          "services/web/www/version": "crash\n",
        });

        const before = await containerShape(stack.project);
        const deploy = await deployViaCli(stack, "crash");

        expect(deploy.signal, deploy.output).toBeNull();
        expect(deploy.code, deploy.output).toBe(3);
        expect(deploy.output).toContain("web: ROLLED_BACK");
        expect(await stack.get("/version")).toBe("v1");
        const { summary, verifyLog } = latestRun(stack);
        expect(summary.status).toBe("rolled_back");
        expect(summary.verify?.cause, verifyLog).toBe("crash_loop");
        expect(summary.verify?.reason).toMatch(/crash-loop: restarted \d+ time/);
        expect(summary.verify?.logsTail).toContain("fatal: cannot start");
        expect(summary.rollbackVerify?.ok).toBe(true);
        expect(lockHeld(stack)).toBe(false);
        // The old container was booted again from its snapshot (not through Compose), exactly as it was.
        expect(readFileSync(join(summary.artifactsDir, "rollback.log"), "utf8")).toContain(
          "from its snapshot",
        );
        expect(await containerShape(stack.project)).toEqual(before);

        // The next deploy is not blocked by anything the failed one left behind.
        stack.variant("next", { "services/web/www/version": "next\n" });
        const next = await deployViaCli(stack, "next");
        expect(next.code, next.output).toBe(0);
        expect(await stack.get("/version")).toBe("next");
        expect(lockHeld(stack)).toBe(false);
      },
      T,
    );
  },
);
