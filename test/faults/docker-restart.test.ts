import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listRunIds, readEvents, runDir } from "../../runner/journal/journal-file.js";
import { describeDocker } from "../helpers/docker.js";
import { createSecondDockerd, type SecondDockerd } from "../helpers/second-dockerd.js";
import { createStack, type Stack } from "../runner/stack.js";
import { runnerEnv } from "./kill-points.js";
import { startRunner, runRunner } from "./runner-process.js";

async function waitFor<T>(
  what: string,
  deadlineMs: number,
  check: () => Promise<T | null> | T | null,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() >= end) throw new Error(`${what} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeDocker("the Docker daemon stopped during a build and started again (second dockerd)", () => {
  let dockerd: SecondDockerd;
  let stack: Stack;
  beforeAll(async () => {
    dockerd = await createSecondDockerd("faults");
    stack = await createStack("dockerdown");
    stack.env.DOCKER_HOST = dockerd.host;
    stack.upInitial();
  }, 180_000);
  afterAll(async () => {
    if (dockerd?.running()) await stack?.cleanup();
    await dockerd?.cleanup();
  }, 120_000);

  it("ends in a clear failure, the service serves again once the daemon is back, the next deploy runs", async () => {
    expect(await stack.get("/version")).toBe("v1");
    // A build step that takes long enough to pull the daemon out from under it.
    const dockerfile = readFileSync(join(stack.workspace, "services/web/Dockerfile"), "utf8").replace(
      "COPY www /www",
      'RUN ["/bin/sleep", "20"]\nCOPY www /www',
    );
    const ref = stack.variant("slow-v2", {
      "services/web/Dockerfile": dockerfile,
      "services/web/www/version": "v2\n",
    });
    const env = runnerEnv(stack);
    const known = new Set(listRunIds(stack.stateDir));
    const runner = startRunner(["deploy", "web", "--ref", ref], env, 180_000);

    const runId = await waitFor(
      "the deploy did not start",
      60_000,
      () => listRunIds(stack.stateDir).find((id) => !known.has(id)) ?? null,
    );
    const buildLog = join(runDir(stack.stateDir, runId), "build.log");
    await waitFor("the build did not reach its slow step", 90_000, () =>
      existsSync(buildLog) && readFileSync(buildLog, "utf8").includes("/bin/sleep") ? true : null,
    );
    await dockerd.stop();
    // The runner sees the build fail while the daemon is down; the daemon comes back afterwards.
    await waitFor("the build step did not end", 60_000, () =>
      readEvents(runDir(stack.stateDir, runId)).some((e) => e.type === "step-end" && e.step === "build")
        ? true
        : null,
    );
    await dockerd.start();
    const exit = await runner.exited;

    expect(exit.signal, exit.output).toBeNull();
    expect(exit.code, exit.output).toBe(1);
    const events = readEvents(runDir(stack.stateDir, runId));
    const results = events.flatMap((e) => (e.type === "result" ? [e.result] : []));
    expect(results).toHaveLength(1);
    expect(events.filter((e) => e.type === "reported")).toHaveLength(1);
    expect(results[0]!.status).toBe("failed");
    expect(results[0]!.reason).toMatch(/^build failed; the running container was not touched/);
    expect(exit.output).toContain("build failed");
    expect(stack.git("rev-parse", "HEAD")).toBe(results[0]!.workspaceSha);
    const locks = join(stack.stateDir, "locks");
    expect(existsSync(locks) ? readdirSync(locks).filter((n) => n.endsWith(".lock")) : []).toEqual([]);

    // The old container comes back with the daemon (restart: always) and still serves the old version.
    expect(await waitFor("the service did not answer again", 60_000, () => stack.get("/version"))).toBe("v1");
    const container = (
      await dockerd.client().listContainers({
        filters: { label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=web"] },
      })
    )[0]!;
    const tagged = await dockerd.client().getImage(`${stack.project}_web`).inspect();
    expect(tagged.Id).toBe(container.ImageID);

    // With the daemon up, the same deploy runs to the end.
    const next = await runRunner(["deploy", "web", "--ref", ref], env, 180_000);
    expect(next.code, next.output).toBe(0);
    expect(await stack.get("/version")).toBe("v2");
  }, 400_000);

  it("stopped right as the build finishes: the run ends once (success or a clear failure), the service serves, the next deploy runs", async () => {
    const env = runnerEnv(stack);
    const ref = stack.variant("race-v3", { "services/web/www/version": "v3\n" });
    const before = await stack.get("/version");
    const known = new Set(listRunIds(stack.stateDir));
    const runner = startRunner(["deploy", "web", "--ref", ref], env, 360_000);
    const runId = await waitFor(
      "the deploy did not start",
      60_000,
      () => listRunIds(stack.stateDir).find((id) => !known.has(id)) ?? null,
    );
    const events = () => readEvents(runDir(stack.stateDir, runId));
    const built = await waitFor("the build step did not end", 120_000, () => {
      const end = events().find((e) => e.type === "step-end" && e.step === "build");
      return end?.type === "step-end" ? end : null;
    });
    expect(built.ok, readFileSync(join(runDir(stack.stateDir, runId), "build.log"), "utf8")).toBe(true);
    // Right after the build: `up` is starting (or about to) when the daemon goes away.
    await dockerd.stop();
    // Back once `up` has ended either way, or after a while (a daemon restart takes seconds).
    await waitFor("neither up ended nor 20 s passed", 30_000, () =>
      events().some((e) => e.type === "step-end" && e.step === "up") ? true : null,
    ).catch(() => null);
    await dockerd.start();
    const exit = await runner.exited;

    expect(exit.signal, exit.output).toBeNull();
    const all = events();
    const results = all.flatMap((e) => (e.type === "result" ? [e.result] : []));
    expect(results, exit.output).toHaveLength(1);
    expect(all.filter((e) => e.type === "reported")).toHaveLength(1);
    const result = results[0]!;
    // Success, or a failure that says what failed; never a silent or a half-reported run. A rollback
    // can fail only because the daemon was gone under it (its restart policy brings the old container back).
    expect(
      ["success", "rolled_back", "failed", "rollback_failed"],
      `${result.status}: ${result.reason}`,
    ).toContain(result.status);
    if (result.status === "rollback_failed")
      expect(result.reason).toMatch(
        /rollback up failed: [\s\S]*(No such file|Cannot connect|unreachable|not answering)/i,
      );
    expect(exit.code).toBe({ success: 0, rolled_back: 3, rollback_failed: 4 }[result.status as string] ?? 1);
    if (result.status !== "success") expect(result.reason).toMatch(/failed|unreachable|not answering/i);
    const locks = join(stack.stateDir, "locks");
    expect(existsSync(locks) ? readdirSync(locks).filter((n) => n.endsWith(".lock")) : []).toEqual([]);
    const serving = await waitFor("the service did not answer again", 60_000, () => stack.get("/version"));
    expect(serving).toBe(result.status === "success" ? "v3" : before);

    // The next deploy runs normally.
    const next = await runRunner(
      ["deploy", "web", "--ref", stack.variant("race-v4", { "services/web/www/version": "v4\n" })],
      env,
      180_000,
    );
    expect(next.code, next.output).toBe(0);
    expect(await stack.get("/version")).toBe("v4");
  }, 600_000);
});
