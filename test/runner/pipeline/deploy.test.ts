import { existsSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readEvents } from "../../../runner/journal/journal-file.js";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../helpers/docker.js";
import { recordingReporter } from "../recording-reporter.js";
import { COMPOSE_LABEL, createStack, testComposeArgv, type Stack } from "../stack.js";

const T = 120_000;

async function containerId(stack: Stack): Promise<string> {
  const list = await new Docker().listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=web"] },
  });
  expect(list).toHaveLength(1);
  return list[0]!.Id;
}

describeDocker(`runDeploy on real Docker (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("deploy");
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  const request = (ref: string, extra: Partial<Parameters<typeof runDeploy>[0]> = {}) => ({
    ...stack.deployRequest(ref),
    ...extra,
  });

  it(
    "deploys a new version: build, up, verify, artifacts, journal, one report",
    async () => {
      expect(await stack.get("/version")).toBe("v1");
      const before = stack.git("rev-parse", "HEAD");
      const oldContainer = await containerId(stack);
      const sha = stack.variant("v2", { "services/web/www/version": "v2\n" });
      const reporter = recordingReporter();

      const result = await runDeploy(request("v2"), { reporter });

      expect(result.status, result.reason).toBe("success");
      expect(await stack.get("/version")).toBe("v2");
      expect(result.targetSha).toBe(sha);
      expect(result.previousSha).toBe(before);
      expect(result.rollbackPoint?.containerId).toBe(oldContainer);
      expect(await containerId(stack)).not.toBe(oldContainer);
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);
      expect(result.steps.map((s) => s.step)).toEqual(["prepare", "checkout", "build", "up", "verify"]);
      expect(result.steps.every((s) => s.ok && s.durationMs >= 0)).toBe(true);
      expect(result.verify?.probes.some((p) => p.kind === "http" && p.ok)).toBe(true);
      expect(result.verify?.probes.some((p) => p.kind === "docker-health" && p.ok)).toBe(true);
      expect(result.verify?.probes.some((p) => p.kind === "watch")).toBe(true);
      // Start phase and watch window are timed apart (the fixture watches for 3 s).
      expect(result.verify?.startMs).toBeGreaterThan(0);
      expect(result.verify?.watchMs).toBeGreaterThanOrEqual(3000);
      expect(result.verify).not.toHaveProperty("logsTail");

      // Reporter: a start and an end per step, one finish.
      expect(reporter.steps.filter((e) => e.phase === "start").map((e) => e.step)).toEqual([
        "prepare",
        "checkout",
        "build",
        "up",
        "verify",
      ]);
      expect(reporter.finished).toHaveLength(1);

      // Artifacts.
      const dir = result.artifactsDir;
      const patch = readFileSync(join(dir, "patch.diff"), "utf8");
      expect(patch).toContain("-v1");
      expect(patch).toContain("+v2");
      expect(readFileSync(join(dir, "build.log"), "utf8")).toContain(
        `$ ${testComposeArgv(stack.env).join(" ")} -p ${stack.project} -f docker-compose.yml build web\n`,
      );
      expect(readFileSync(join(dir, "restart.log"), "utf8")).toContain("up -d --no-deps web");
      expect(readFileSync(join(dir, "verify.log"), "utf8")).toContain("verdict: healthy");
      expect(readFileSync(join(dir, "rollback.log"), "utf8")).toBe("");
      const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as {
        status: string;
        runId: string;
      };
      expect(summary).toMatchObject({ status: "success", runId: result.runId });

      // Journal: every step-start precedes its step-end, the result is reported once.
      const events = readEvents(dir);
      const types = events.map((e) =>
        e.type === "step-start" || e.type === "step-end" ? `${e.type}:${e.step}` : e.type,
      );
      expect(types.indexOf("step-start:up")).toBeLessThan(types.indexOf("step-end:up"));
      expect(types.filter((t) => t === "reported")).toHaveLength(1);
      expect(types.at(-1)).toBe("reported");
    },
    T,
  );

  it(
    "a build failure never touches the running container and puts the workspace back",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      const running = await containerId(stack);
      stack.variant(
        "broken-build",
        {
          "services/web/Dockerfile": readFileSync(
            join(stack.workspace, "services/web/Dockerfile"),
            "utf8",
          ).replace("COPY www /www", 'COPY www /www\nRUN ["/bin/busybox", "false"]'),
          "services/web/www/version": "v3\n",
        },
        before,
      );

      const result = await runDeploy(request("broken-build"));

      expect(result.status).toBe("failed");
      expect(result.reason).toMatch(/build failed; the running container was not touched/);
      expect(await containerId(stack)).toBe(running);
      expect(await stack.get("/version")).toBe("v2");
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
      expect(result.steps.map((s) => s.step)).toEqual(["prepare", "checkout", "build", "restore-workspace"]);
      expect(readFileSync(join(result.artifactsDir, "build.log"), "utf8")).toMatch(/\[exit [1-9]\d*\]/);
      expect(readFileSync(join(result.artifactsDir, "restart.log"), "utf8")).toBe("");
    },
    T,
  );

  it(
    "refuses uncommitted changes to a tracked file and touches nothing; untracked files do not block",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      const running = await containerId(stack);
      const tracked = join(stack.workspace, "services/web/www/version");
      const original = readFileSync(tracked, "utf8");
      writeFileSync(tracked, "hand edit\n");
      const stray = join(stack.workspace, "services/web/www/stray.txt");
      writeFileSync(stray, "scratch\n");
      try {
        const result = await runDeploy(request("main"));
        expect(result.status).toBe("refused");
        expect(result.reason).toContain("uncommitted changes to tracked files: services/web/www/version;");
        expect(result.reason).not.toContain("stray.txt");
        expect(result.steps.map((s) => s.step)).toEqual(["prepare"]);
        expect(readFileSync(tracked, "utf8")).toBe("hand edit\n");
      } finally {
        writeFileSync(tracked, original);
        rmSync(stray);
      }
      expect(await containerId(stack)).toBe(running);
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
    },
    T,
  );

  it(
    "refuses a service the compose file does not declare, naming the ones it does",
    async () => {
      const running = await containerId(stack);
      const config = { ...stack.serviceConfig(), compose_service: "nope" };
      const result = await runDeploy({ ...request("main"), serviceConfig: config });
      expect(result.status).toBe("refused");
      expect(result.reason).toBe(
        "compose service 'nope' is not declared in docker-compose.yml (it declares: web) — nothing was touched",
      );
      expect(await containerId(stack)).toBe(running);
      expect(existsSync(join(result.artifactsDir, "summary.json"))).toBe(true);
    },
    T,
  );

  it(
    "a clean workspace whose HEAD was moved by hand deploys the ref asked for",
    async () => {
      const running = await containerId(stack);
      stack.git("checkout", "-q", "main");
      const result = await runDeploy(request("HEAD"));
      expect(result.status, result.reason).toBe("success");
      expect(result.targetSha).toBe(stack.git("rev-parse", "main"));
      expect(stack.git("symbolic-ref", "HEAD")).toBe("refs/heads/main");
      expect(await containerId(stack)).not.toBe(running);
      expect(await stack.get("/version")).toBe("v1");
    },
    T,
  );
});
