/**
 * Deploy benchmark on the fixture stack with the real engine:
 *  1. the runner's local deploy vs. a plain script doing the same `git checkout` + `build` +
 *     `up -d --no-deps` + curl-until-healthy, N times each (BENCH_RUNS, default 3), alternating;
 *     medians of the totals and of each phase. The runner also waits for Docker health and watches
 *     the container for its watch window, which the plain script does not: both ratios are printed.
 *  2. the time from a failed verification to the old version answering again (rollback).
 * Exported for bench/run.ts; `npx tsx bench/deploy.ts` runs it alone.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { runDeploy } from "../runner/pipeline/deploy.js";
import type { DeployReporter } from "../runner/pipeline/reporter.js";
import { createStack } from "../test/runner/stack.js";
import {
  compare,
  formatComparison,
  runnerSample,
  type DeployComparison,
  type PlainPhase,
  type RunnerPhase,
  type Sample,
} from "./deploy-report.js";

export interface DeployBench extends DeployComparison {
  /** From the failed verification to the previous version serving again. */
  rollbackMs: number;
}

/** What a deploy script would do: curl until the health URL answers 2xx. */
function curlOk(url: string): boolean {
  const result = spawnSync("curl", ["-fsS", "-o", "/dev/null", "--max-time", "1", url], { stdio: "ignore" });
  if (result.error) throw new Error(`the plain-script baseline needs curl: ${result.error.message}`);
  return result.status === 0;
}

async function waitFor(read: () => Promise<string | null>, want: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await read()) !== want) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for version ${want}`);
    await sleep(everyMs);
  }
}

/** Runs per side; `BENCH_RUNS` overrides (at least 1). */
function runsWanted(env: NodeJS.ProcessEnv): number {
  const raw = env.BENCH_RUNS?.trim();
  if (!raw) return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a positive integer, got '${raw}'`);
  return n;
}

export async function benchDeploy(log: (line: string) => void = console.log): Promise<DeployBench> {
  const runs = runsWanted(process.env);
  const stack = await createStack("bench");
  try {
    stack.upInitial();
    const compose = (...args: string[]) =>
      execFileSync("docker-compose", ["-p", stack.project, ...args], {
        cwd: stack.workspace,
        env: stack.env,
        stdio: "ignore",
      });

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

      // Put the host back where the runner left it (untimed), or its next run would refuse.
      stack.git("checkout", "-q", "--detach", deployedSha);
      compose("up", "-d", "--no-deps", "--build", "web");
      await waitFor(() => stack.get("/version"), version);
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
            await waitFor(() => stack.get("/version"), version, 25);
            servingAgainAt = Date.now();
          })();
        }
      },
    };
    const rolled = await runDeploy(stack.deployRequest("broken"), { reporter });
    if (rolled.status !== "rolled_back" || !watcher)
      throw new Error(`bench rollback did not happen: ${rolled.status} ${rolled.reason}`);
    await watcher;
    const rollbackMs = servingAgainAt - failedAt;

    for (const line of formatComparison(comparison)) log(line);
    log(`rollback: failed verification -> old version serving in ${rollbackMs} ms`);
    return { ...comparison, rollbackMs };
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDeploy();
}
