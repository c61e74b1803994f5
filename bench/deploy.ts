/**
 * Deploy benchmark on the fixture stack with the real engine:
 *  1. the runner's local deploy vs. a plain script doing the same `git checkout` + `build` +
 *     `up -d --no-deps` + wait for Docker health + curl-until-healthy, N times each (BENCH_RUNS,
 *     default 3), alternating; medians of the totals and of each phase. The runner also watches the
 *     container for its watch window, which the plain script does not: both ratios are printed.
 *  2. the time from the container turning healthy (Docker's own event) to the runner recording it,
 *     and to the plain script's loop noticing it.
 *  3. the time from a failed verification to the old version answering again (rollback), and the
 *     same for a plain script that re-tags the old image and runs `up -d --no-deps --no-build`;
 *  4. the same for `start-first` behind a real nginx (test/runner/strategy/proxy-stack.ts), under a
 *     load loop: the old container never stopped, so the figure is the first answer of the old version
 *     after the failed verification; also when the new container was gone, and what else answered.
 * Exported for bench/run.ts; `npx tsx bench/deploy.ts` runs it alone.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readEvents } from "../runner/journal/journal-file.js";
import { runDeploy } from "../runner/pipeline/deploy.js";
import type { DeployReporter } from "../runner/pipeline/reporter.js";
import { startLoad } from "../test/helpers/load-loop.js";
import { createProxyStack } from "../test/runner/strategy/proxy-stack.js";
import { createStack } from "../test/runner/stack.js";
import { recordHealthy } from "./deploy-events.js";
import { runsWanted } from "./runs.js";
import {
  compare,
  formatComparison,
  formatFigure,
  median,
  runnerSample,
  runnerSawHealthyAt,
  type DeployComparison,
  type Figure,
  type PlainPhase,
  type RunnerPhase,
  type Sample,
} from "./deploy-report.js";

export interface DeployBench extends DeployComparison {
  /** Median time from Docker's `healthy` event to the runner recording the container healthy. */
  healthyToRecordedMs: number;
  /** The same for the plain script's polling loop. */
  plainHealthyToNoticedMs: number;
  /** From the failed verification to the previous version serving again. */
  rollbackMs: number;
  /** A plain script's rollback: re-tag the old image, `up --no-build`, until it serves. */
  plainRollbackMs: number;
  /** start-first: from the failed verification to the old version's next answer through the proxy. */
  startFirstRollbackMs: number;
}

interface StartFirstRollback {
  /** Failed verification -> the old version's next answer through the proxy. */
  servingMs: number;
  /** Failed verification -> the new container removed (the remove-new step's end). */
  removedMs: number;
  requests: number;
  failed: number;
  /** Answers after the failed verification that were not the old version. */
  notOld: number;
  longestGapMs: number;
}

/** A start-first deploy whose health check fails, behind a real nginx, under a load loop. */
async function startFirstRollback(): Promise<StartFirstRollback> {
  const stack = await createProxyStack("benchrb");
  try {
    await stack.upInitial();
    const before = await stack.get("/version");
    const ref = stack.variant("broken", {
      "services/web/www/version": "broken\n",
      "services/web/www/health": null,
    });
    let failedAt = 0;
    const reporter: DeployReporter = {
      name: "bench",
      note() {},
      finish() {},
      step(event) {
        if (event.step === "verify-new" && event.phase === "end" && !event.ok) failedAt = Date.now();
      },
    };
    const load = startLoad(`${stack.url}/version`);
    await load.ready;
    const result = await runDeploy(stack.deployRequest(ref), { reporter });
    const report = await load.stop();
    if (result.status !== "rolled_back" || !failedAt || !before)
      throw new Error(`bench start-first rollback did not happen: ${result.status} ${result.reason}`);
    const after = load.samples().filter((s) => s.at >= failedAt);
    const firstOld = after.find((s) => s.ok && s.body === before);
    if (!firstOld) throw new Error("start-first rollback: the old version never answered after the failure");
    const removed = readEvents(result.artifactsDir).find(
      (e) => e.type === "step-end" && e.step === "remove-new",
    );
    return {
      servingMs: firstOld.at - failedAt,
      removedMs: removed ? Date.parse(removed.at) - failedAt : -1,
      requests: report.requests,
      failed: report.failed,
      notOld: after.filter((s) => !(s.ok && s.body === before)).length,
      longestGapMs: report.longestGapMs,
    };
  } finally {
    await stack.cleanup();
  }
}

/** What a deploy script would do: `docker inspect` the service's container until Docker says healthy. */
function dockerHealth(id: string): string {
  const result = spawnSync("docker", ["inspect", "-f", "{{.State.Health.Status}}", id], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

/** What a deploy script would do: curl until the health URL answers 2xx. */
function curlOk(url: string): boolean {
  const result = spawnSync("curl", ["-fsS", "-o", "/dev/null", "--max-time", "1", url], { stdio: "ignore" });
  if (result.error) throw new Error(`the plain-script baseline needs curl: ${result.error.message}`);
  return result.status === 0;
}

/**
 * The served version, asked with a short per-request limit: right after a container starts, its
 * published port can accept a connection and hold it without an answer, and a watcher that sat on
 * it for seconds would measure its own wait, not the service.
 */
async function servedVersion(url: string): Promise<string | null> {
  try {
    const response = await fetch(`${url}/version`, { signal: AbortSignal.timeout(250) });
    return response.ok ? (await response.text()).trim() : null;
  } catch {
    return null;
  }
}

async function waitFor(read: () => Promise<string | null>, want: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await read()) !== want) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for version ${want}`);
    await sleep(everyMs);
  }
}

export async function benchDeploy(log: (line: string) => void = console.log): Promise<DeployBench> {
  const runs = runsWanted(process.env);
  const stack = await createStack("bench");
  const health = await recordHealthy(stack.project, "web");
  try {
    stack.upInitial();
    const compose = (...args: string[]) =>
      execFileSync("docker-compose", ["-p", stack.project, ...args], {
        cwd: stack.workspace,
        env: stack.env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
    const healthyToRecorded: number[] = [];
    const plainHealthyToNoticed: number[] = [];
    /** Docker's healthy event for a container can trail the moment it is read by a few ms: wait for it. */
    const healthyEvent = async (id?: string) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const at = health.healthyAt(id);
        if (at !== null) return at;
        if (Date.now() > deadline)
          throw new Error(`no health_status: healthy event for ${id ?? "the service"}`);
        await sleep(10);
      }
    };

    const runnerSamples: Sample<RunnerPhase>[] = [];
    const plainSamples: Sample<PlainPhase>[] = [];
    let deployedSha = stack.git("rev-parse", "HEAD");
    let version = "v1";
    // Alternate the two sides so that cache warmth and engine load hit both alike.
    for (let i = 1; i <= runs; i++) {
      // The runner: a new version each time, so the build really rebuilds a layer.
      version = `r${i}`;
      stack.variant(version, { "services/web/www/version": `${version}\n` }, deployedSha);
      let t = Date.now();
      const deployed = await runDeploy(stack.deployRequest(version));
      runnerSamples.push(runnerSample(Date.now() - t, deployed));
      deployedSha = deployed.targetSha!;
      const sawHealthy = runnerSawHealthyAt(deployed);
      const newId = compose("ps", "-q", "web").trim();
      if (sawHealthy === null) throw new Error("the runner recorded no healthy Docker health probe");
      healthyToRecorded.push(sawHealthy - (await healthyEvent(newId)));

      // A plain script doing the same work, timed step by step.
      const plainSha = stack.variant(`p${i}`, { "services/web/www/version": `p${i}\n` }, deployedSha);
      const phases = {} as Record<PlainPhase, number>;
      const timed = async (phase: PlainPhase, what: () => unknown) => {
        const began = Date.now();
        await what();
        phases[phase] = Date.now() - began;
      };
      t = Date.now();
      await timed("checkout", () => stack.git("checkout", "-q", "--detach", plainSha));
      await timed("build", () => compose("build", "web"));
      await timed("up", () => compose("up", "-d", "--no-deps", "web"));
      let plainSawHealthy = 0;
      await timed("docker health", async () => {
        const id = compose("ps", "-q", "web").trim();
        const deadline = Date.now() + 60_000;
        while (dockerHealth(id) !== "healthy") {
          if (Date.now() > deadline) throw new Error("plain script: Docker health not healthy within 60 s");
          await sleep(100);
        }
        plainSawHealthy = Date.now();
        plainHealthyToNoticed.push(plainSawHealthy - (await healthyEvent(id)));
      });
      await timed("curl until healthy", async () => {
        const deadline = Date.now() + 60_000;
        while (!curlOk(`${stack.url}/health`)) {
          if (Date.now() > deadline)
            throw new Error("plain script: the service did not become healthy within 60 s");
          await sleep(100);
        }
      });
      plainSamples.push({ totalMs: Date.now() - t, phases });
      if ((await stack.get("/version")) !== `p${i}`) throw new Error(`plain script: p${i} is not serving`);

      // Put the host back where the runner left it (untimed), or its next run would refuse; let the
      // container settle (Docker health healthy) as the plain script's did, so both sides start alike.
      stack.git("checkout", "-q", "--detach", deployedSha);
      compose("up", "-d", "--no-deps", "--build", "web");
      await waitFor(() => stack.get("/version"), version);
      await waitFor(async () => dockerHealth(compose("ps", "-q", "web").trim()), "healthy");
      // The plain script starts after the runner's watch window, i.e. that long after its container
      // turned healthy; give the runner's next deploy the same quiet start.
      await sleep(deployed.verify?.watchMs ?? 0);
    }
    const comparison = compare(runnerSamples, plainSamples);

    // Rollback: a deploy whose health check fails; clock from the failed verify to the old version answering.
    stack.variant(
      "broken",
      { "services/web/www/health": null, "services/web/www/version": "broken\n" },
      deployedSha,
    );
    let failedAt = 0;
    let servingAgainAt = 0;
    let watcher: Promise<void> | null = null;
    const reporter: DeployReporter = {
      name: "bench",
      note() {},
      finish() {},
      step(event) {
        if (event.step === "verify" && event.phase === "end" && !event.ok) {
          failedAt = Date.now();
          watcher = (async () => {
            await waitFor(() => servedVersion(stack.url), version, 25);
            servingAgainAt = Date.now();
          })();
        }
      },
    };
    const brokenSha = stack.git("rev-parse", "broken");
    const rolled = await runDeploy(stack.deployRequest("broken"), { reporter });
    if (rolled.status !== "rolled_back" || !watcher)
      throw new Error(`bench rollback did not happen: ${rolled.status} ${rolled.reason}`);
    await watcher;
    const rollbackMs = servingAgainAt - failedAt;
    const stepMs = (name: string) => rolled.steps.find((step) => step.step === name)?.durationMs ?? 0;

    // The plain script's rollback, from the same broken version: re-tag the old image, `up
    // --no-build` (the container being replaced gets its normal stop grace), until the old version serves.
    const oldImage = rolled.rollbackPoint!.imageId;
    stack.git("checkout", "-q", "--detach", brokenSha);
    compose("up", "-d", "--no-deps", "--build", "web");
    await waitFor(() => stack.get("/version"), "broken");
    const plainStarted = Date.now();
    execFileSync("docker", ["tag", oldImage, `${stack.project}_web`], { stdio: "ignore" });
    compose("up", "-d", "--no-deps", "--no-build", "web");
    await waitFor(() => servedVersion(stack.url), version, 25);
    const plainRollbackMs = Date.now() - plainStarted;
    stack.git("checkout", "-q", "--detach", deployedSha);

    const sf = await startFirstRollback();
    const figures: Figure[] = [
      {
        name: "container healthy -> runner records it (median)",
        valueMs: median(healthyToRecorded),
        baselineName: "plain script's loop notices it",
        baselineMs: median(plainHealthyToNoticed),
        targetMs: 200,
      },
      {
        name: "rollback: failed verification -> old version serving",
        valueMs: rollbackMs,
        baselineName: "plain script re-tag + up --no-build",
        baselineMs: plainRollbackMs,
        targetMs: 1_000,
      },
      {
        name: "start-first rollback: failed verification -> old version serving (it never stopped)",
        valueMs: sf.servingMs,
        baselineName: "plain script re-tag + up --no-build",
        baselineMs: plainRollbackMs,
        targetMs: 1_000,
      },
    ];
    for (const line of formatComparison(comparison)) log(line);
    for (const figure of figures) log(formatFigure(figure));
    log(
      `    rollback steps: rollback-tag ${stepMs("rollback-tag")} ms, rollback-up ${stepMs("rollback-up")} ms (${rolled.steps.find((step) => step.step === "rollback-up")?.detail ?? "?"})`,
    );
    // Where the rollback's time went, from its journal (ms after the failed verification).
    const marks = readEvents(rolled.artifactsDir)
      .filter((e) => e.type === "step-start" || e.type === "step-end")
      .filter((e) => e.step.startsWith("rollback-") && e.step !== "rollback-verify")
      .map((e) => `${e.step} ${e.type === "step-start" ? "start" : "end"} +${Date.parse(e.at) - failedAt}`);
    const firstPass = (rolled.rollbackVerify?.probes ?? []).find((p) => p.kind === "http" && p.ok);
    log(
      `    rollback timeline (ms): ${[...marks, ...(firstPass ? [`runner's first passing HTTP probe +${Date.parse(firstPass.at) - failedAt}`] : []), `serving +${rollbackMs}`].join(", ")}`,
    );
    const upTimeline = /^(?:rollback-up|compose up) timeline \(ms\): (.*)$/m.exec(
      readFileSync(join(rolled.artifactsDir, "rollback.log"), "utf8"),
    );
    log(`    rollback-up phases (ms from its start): ${upTimeline?.[1] ?? "not recorded"}`);
    log(
      `    start-first rollback under load through nginx: ${sf.requests} requests, ${sf.failed} failed, ${sf.notOld} answers after the failure not from the old version, longest gap ${sf.longestGapMs} ms; new container removed +${sf.removedMs} ms`,
    );
    return {
      ...comparison,
      healthyToRecordedMs: figures[0]!.valueMs,
      plainHealthyToNoticedMs: figures[0]!.baselineMs,
      rollbackMs,
      plainRollbackMs,
      startFirstRollbackMs: sf.servingMs,
    };
  } finally {
    health.close();
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDeploy();
}
