/**
 * Deploy benchmark on the fixture stack with the real engine:
 *  1. the runner's local deploy vs. a plain script doing the same `git checkout` + `build` +
 *     `up -d --no-deps` + curl-until-healthy (the runner also journals, inspects and watches);
 *  2. the time from a failed verification to the old version answering again (rollback).
 * Exported for bench/run.ts; `npx tsx bench/deploy.ts` runs it alone.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { runDeploy } from "../runner/pipeline/deploy.js";
import type { DeployReporter } from "../runner/pipeline/reporter.js";
import { createStack } from "../test/runner/stack.js";

export interface DeployBench {
  runnerMs: number;
  /** The part of runnerMs spent in the post-healthy watch window (the plain script has none). */
  runnerWatchMs: number;
  plainMs: number;
  ratio: number;
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

export async function benchDeploy(log: (line: string) => void = console.log): Promise<DeployBench> {
  const stack = await createStack("bench");
  try {
    stack.upInitial();
    const base = {
      service: "web",
      serviceConfig: stack.serviceConfig(),
      workspace: stack.workspace,
      stateDir: stack.stateDir,
      env: stack.env,
    };

    // 1a. The runner.
    stack.variant("v2", { "services/web/www/version": "v2\n" });
    let t = Date.now();
    const deployed = await runDeploy({ ...base, ref: "v2" });
    const runnerMs = Date.now() - t;
    if (deployed.status !== "success") throw new Error(`bench deploy failed: ${deployed.reason}`);
    const runnerWatchMs = base.serviceConfig.health
      ? Number(deployed.steps.find((s) => s.step === "verify")?.durationMs ?? 0)
      : 0;

    // 1b. A plain script doing the same work.
    const v3 = stack.variant("v3", { "services/web/www/version": "v3\n" }, deployed.targetSha!);
    const compose = (...args: string[]) =>
      execFileSync("docker-compose", ["-p", stack.project, ...args], {
        cwd: stack.workspace,
        env: stack.env,
        stdio: "ignore",
      });
    t = Date.now();
    stack.git("checkout", "-q", "--detach", v3);
    compose("build", "web");
    compose("up", "-d", "--no-deps", "web");
    const deadline = Date.now() + 60_000;
    while (!curlOk(`${stack.url}/health`)) {
      if (Date.now() > deadline)
        throw new Error("plain script: the service did not become healthy within 60 s");
      await sleep(100);
    }
    const plainMs = Date.now() - t;
    stack.git("checkout", "-q", "--detach", deployed.targetSha!);
    compose("up", "-d", "--no-deps", "--build", "web");
    await waitFor(() => stack.get("/version"), "v2");

    // 2. Rollback: a deploy whose health check fails; clock from the failed verify to v2 answering.
    stack.variant(
      "broken",
      { "services/web/www/health": null, "services/web/www/version": "v4\n" },
      deployed.targetSha!,
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
            await waitFor(() => stack.get("/version"), "v2", 25);
            servingAgainAt = Date.now();
          })();
        }
      },
    };
    const rolled = await runDeploy({ ...base, ref: "broken" }, { reporter });
    if (rolled.status !== "rolled_back" || !watcher)
      throw new Error(`bench rollback did not happen: ${rolled.status} ${rolled.reason}`);
    await watcher;
    const rollbackMs = servingAgainAt - failedAt;

    const result = { runnerMs, runnerWatchMs, plainMs, ratio: runnerMs / plainMs, rollbackMs };
    log(
      `deploy: runner ${runnerMs} ms (verify incl. ${runnerWatchMs} ms watch) vs plain script ${plainMs} ms, ratio ${result.ratio.toFixed(2)}`,
    );
    log(`rollback: failed verification -> old version serving in ${rollbackMs} ms`);
    return result;
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDeploy();
}
