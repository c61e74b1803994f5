/**
 * The start-first switch through the real runner CLI, SIGKILLed at its own journal events
 * (ORCHESTRATOR_FAILPOINT) and restarted with `reconcile`: after "new verified" the restart finishes
 * the switch (old container removed); before it, the restart removes the new container. The rollback
 * path (a health check that fails) is swept at the switch's own events only.
 */
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SWITCH_EVENT_TYPES, type JournalEvent } from "../../runner/journal/events.js";
import { listRunIds, readEvents, runDir } from "../../runner/journal/journal-file.js";
import { buildDist } from "../cli/build-dist.js";
import { describeDocker } from "../helpers/docker.js";
import { startLoad } from "../helpers/load-loop.js";
import { createProxyStack, type ProxyStack } from "../runner/strategy/proxy-stack.js";
import { cleanDeploy, exerciseKillPoint, killPointsOf, renderOutcomes, runnerEnv } from "./kill-points.js";
import { runRunner } from "./runner-process.js";

describeDocker("start-first through the runner CLI, killed and reconciled", () => {
  let stack: ProxyStack;
  // v1 is what the stack starts with; every deploy gets a new version.
  let n = 1;
  const next = (suffix = "") => {
    n += 1;
    const version = `v${n}${suffix}`;
    const edits: Record<string, string | null> = { "services/web/www/version": `${version}\n` };
    if (suffix === "bad") edits["services/web/www/health"] = null;
    return { ref: stack.variant(`r${n}`, edits), version };
  };
  const lastRun = (known: Set<string>) => listRunIds(stack.stateDir).find((id) => !known.has(id));
  const eventsOf = (runId: string): JournalEvent[] => readEvents(runDir(stack.stateDir, runId));
  const taggedImage = async () => {
    const resolved = eventsOf(listRunIds(stack.stateDir)[0]!).find((e) => e.type === "resolved");
    const name = resolved?.type === "resolved" ? resolved.serviceImage : `${stack.project}_web`;
    return (await new Docker().getImage(name).inspect()).Id;
  };

  beforeAll(async () => {
    await buildDist();
    stack = await createProxyStack("sfkill");
    await stack.upInitial();
  }, 600_000);
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("`deploy` through the CLI under load: exit 0, no failed request, the new version serves", async () => {
    const target = next();
    const load = startLoad(`${stack.url}/version`);
    const exit = await runRunner(["deploy", "web", "--ref", target.ref], runnerEnv(stack), 240_000);
    const report = await load.stop();
    expect(exit.code, exit.output).toBe(0);
    expect(report.failures).toEqual([]);
    expect(await stack.get("/version")).toBe(target.version);
    expect(await stack.webContainers()).toHaveLength(1);
  }, 300_000);

  it("killed after the new container verified: reconcile removes the old one and reports success", async () => {
    const [old] = await stack.webContainers();
    const target = next();
    const known = new Set(listRunIds(stack.stateDir));
    const killed = await runRunner(
      ["deploy", "web", "--ref", target.ref],
      runnerEnv(stack, "after:new-verified"),
      240_000,
    );
    expect(killed.signal, killed.output).toBe("SIGKILL");
    const runId = lastRun(known)!;
    // Both containers run at the kill: the switch was half done.
    const between = await stack.webContainers();
    expect(between.filter((c) => c.state === "running")).toHaveLength(2);
    const load = startLoad(`${stack.url}/version`);
    const restarted = await runRunner(["reconcile"], runnerEnv(stack), 240_000);
    const report = await load.stop();
    expect(restarted.code, restarted.output).toBe(0);
    expect(report.failures).toEqual([]);
    const result = eventsOf(runId).find((e) => e.type === "result");
    expect(result?.type === "result" && result.result.status).toBe("success");
    expect(result?.type === "result" && result.result.reconciled).toBe(true);
    const left = await stack.webContainers();
    expect(left.map((c) => c.id)).not.toContain(old!.id);
    expect(left).toHaveLength(1);
    expect(await stack.get("/version")).toBe(target.version);
    expect(eventsOf(runId).some((e) => e.type === "old-removed")).toBe(true);
  }, 600_000);

  it("killed before verification: reconcile removes the new container; the old one served throughout", async () => {
    const [old] = await stack.webContainers();
    const before = await stack.get("/version");
    const target = next();
    const known = new Set(listRunIds(stack.stateDir));
    const load = startLoad(`${stack.url}/version`);
    const killed = await runRunner(
      ["deploy", "web", "--ref", target.ref],
      runnerEnv(stack, "after:new-container"),
      240_000,
    );
    expect(killed.signal, killed.output).toBe("SIGKILL");
    const runId = lastRun(known)!;
    expect((await stack.webContainers()).length).toBe(2);
    const restarted = await runRunner(["reconcile"], runnerEnv(stack), 240_000);
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(restarted.code === 0 || restarted.code === 1, restarted.output).toBe(true);
    const result = eventsOf(runId).find((e) => e.type === "result");
    expect(result?.type === "result" && result.result.status).toBe("rolled_back");
    const left = await stack.webContainers();
    expect(left.map((c) => c.id)).toEqual([old!.id]);
    expect(await stack.get("/version")).toBe(before);
    // The service's image tag names the running image again, not the unverified build.
    expect(await taggedImage()).toBe(left[0]!.image);
  }, 600_000);

  it("recovers from a SIGKILL after every journal event of a start-first deploy", async () => {
    const reference = await cleanDeploy({ stack, attempt: () => next(), cleanStatus: "success" }, next());
    expect(reference.exit.code, reference.exit.output).toBe(0);
    const points = killPointsOf(reference.events);
    const types = new Set(points.map((p) => p.type));
    for (const type of SWITCH_EVENT_TYPES.filter((t) => t !== "new-removed")) expect(types).toContain(type);
    const resolved = reference.events.find((e) => e.type === "resolved");
    const serviceImage = resolved?.type === "resolved" ? resolved.serviceImage : null;
    const spec = { stack, attempt: () => next(), cleanStatus: "success" as const };
    const outcomes = [];
    for (const point of points) outcomes.push(await exerciseKillPoint(spec, point, next(), serviceImage));
    console.log(`start-first path:\n${renderOutcomes(outcomes)}`);
    expect(renderOutcomes(outcomes.filter((o) => o.problems.length > 0))).toBe("");
    expect(await stack.webContainers()).toHaveLength(1);
  }, 1_800_000);

  it("recovers from a SIGKILL after each switch event of a start-first rollback (health check fails)", async () => {
    const spec = { stack, attempt: () => next("bad"), cleanStatus: "rolled_back" as const };
    const reference = await cleanDeploy(spec, next("bad"));
    expect(reference.exit.code, reference.exit.output).toBe(3);
    // Only the switch's own events: the steps around them are the same as on the success path's sweep.
    const points = killPointsOf(reference.events).filter((p) =>
      (SWITCH_EVENT_TYPES as readonly string[]).includes(p.type),
    );
    expect(points.map((p) => p.type)).toEqual(["switch-plan", "new-container", "new-removed"]);
    const resolved = reference.events.find((e) => e.type === "resolved");
    const serviceImage = resolved?.type === "resolved" ? resolved.serviceImage : null;
    const outcomes = [];
    for (const point of points)
      outcomes.push(await exerciseKillPoint(spec, point, next("bad"), serviceImage));
    console.log(`start-first rollback path:\n${renderOutcomes(outcomes)}`);
    expect(renderOutcomes(outcomes.filter((o) => o.problems.length > 0))).toBe("");
    expect(outcomes.map((o) => o.status)).toEqual(["rolled_back", "rolled_back", "rolled_back"]);
    expect(await stack.webContainers()).toHaveLength(1);
  }, 600_000);
});
