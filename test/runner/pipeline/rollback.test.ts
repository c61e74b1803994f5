import { readFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../helpers/docker.js";
import { recordingReporter } from "../recording-reporter.js";
import { COMPOSE_LABEL, createStack, type Stack } from "../stack.js";

const T = 120_000;

async function taggedImageId(reference: string): Promise<string> {
  return (await new Docker().getImage(reference).inspect()).Id;
}

describeDocker(`rollback on real Docker (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  let v1Image: string;
  beforeAll(async () => {
    stack = await createStack("rollback");
    stack.upInitial();
    v1Image = await taggedImageId(stack.image);
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "a deploy whose health check fails is rolled back: old version serving, evidence captured",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      stack.variant("no-health", { "services/web/www/health": null, "services/web/www/version": "v2\n" });
      const reporter = recordingReporter();

      const result = await runDeploy(stack.deployRequest("no-health"), { reporter });

      expect(result.status, result.reason).toBe("rolled_back");
      expect(await stack.get("/version")).toBe("v1");
      expect(await taggedImageId(stack.image)).toBe(v1Image);
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
      expect(result.steps.map((s) => s.step)).toEqual([
        "prepare",
        "checkout",
        "build",
        "up",
        "verify",
        "rollback-tag",
        "rollback-up",
        "rollback-verify",
        "restore-workspace",
      ]);
      expect(result.verify?.ok).toBe(false);
      expect(result.verify?.phase).toBe("start");
      expect(result.rollbackVerify?.ok).toBe(true);
      // The evidence: probes that saw the 404 / unhealthy state, in verify.log and in summary.json.
      const verifyLog = readFileSync(join(result.artifactsDir, "verify.log"), "utf8");
      expect(verifyLog).toMatch(/http\s+FAIL GET http:\/\/127\.0\.0\.1:\d+\/health -> HTTP 404/);
      expect(verifyLog).toContain("verdict: FAILED");
      expect(verifyLog).toContain("== verify after rollback ==");
      const summary = JSON.parse(readFileSync(join(result.artifactsDir, "summary.json"), "utf8")) as {
        status: string;
        verify: { probes: Array<{ ok: boolean; detail: string }> };
      };
      expect(summary.status).toBe("rolled_back");
      expect(summary.verify.probes.some((p) => !p.ok && p.detail.includes("404"))).toBe(true);
      const rollbackLog = readFileSync(join(result.artifactsDir, "rollback.log"), "utf8");
      expect(rollbackLog).toContain(`tagged ${v1Image} as ${stack.image}`);
      // The restore's phases, in ms from the step's start: the failed container killed and the old one
      // created side by side, then started, then the failed one removed.
      const phases = /^rollback-up timeline \(ms\): (.*)$/m.exec(rollbackLog)?.[1] ?? "";
      const at = Object.fromEntries(
        phases.split(", ").map((p) => [p.split(" +")[0], Number(p.split(" +")[1])] as const),
      );
      expect(Object.keys(at).sort()).toEqual([
        "created",
        "killed",
        "listed",
        "removed",
        "renamed",
        "started",
      ]);
      expect(at.started).toBeGreaterThanOrEqual(Math.max(at.killed!, at.created!));
      expect(at.removed).toBeGreaterThanOrEqual(at.started!);
      expect(reporter.finished.map((r) => r.status)).toEqual(["rolled_back"]);
    },
    T,
  );

  it(
    "a crash-looping container is caught by the watch window and rolled back",
    async () => {
      // Serves (and passes health) for 3 s, then exits 1; `restart: always` brings it back each time.
      stack.variant("crash-loop", {
        "services/web/start.sh": "#!/bin/sh\nhttpd -p 8080 -h /www\nsleep 3\nexit 1\n",
        "services/web/www/version": "v3\n",
      });
      const config = stack.serviceConfig();
      config.health = { ...config.health!, watch: "8s", timeout: "8s" };

      const result = await runDeploy({
        service: "web",
        serviceConfig: config,
        ref: "crash-loop",
        workspace: stack.workspace,
        stateDir: stack.stateDir,
        env: stack.env,
      });

      expect(result.status, result.reason).toBe("rolled_back");
      expect(result.verify?.phase).toBe("watch");
      expect(result.verify?.reason).toMatch(
        /crash-loop: restarted \d+ time|during the watch window container \S+ is (restarting|exited)/,
      );
      expect(result.verify?.probes.some((p) => p.kind === "http" && p.ok)).toBe(true);
      expect(await stack.get("/version")).toBe("v1");
      expect(await taggedImageId(stack.image)).toBe(v1Image);
    },
    T,
  );
});
