/**
 * Swarm deploy benchmark on a real single-node swarm (`docker swarm init` when none is active): the
 * runner's deploy (engine: swarm) vs. a plain script doing the same `git checkout` + `docker build -t
 * <image>:<sha12>` + `docker service update --image` + wait until every task runs the new image +
 * curl until the health URL answers, BENCH_RUNS times each (default 3), alternating; medians. The
 * runner also watches the service for its watch window, which the script does not: the ratio is
 * printed with and without it (target <= 1.10). `npm run bench -- swarm`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { runDeploy } from "../runner/pipeline/deploy.js";
import { createSwarmStack } from "../test/runner/engine/swarm/swarm-stack.js";
import { median } from "./deploy-report.js";
import { phaseTimer, runsWanted } from "./runs.js";

export interface SwarmBench {
  runnerMs: number;
  runnerWithoutWatchMs: number;
  plainMs: number;
  ratio: number;
  ratioWithoutWatch: number;
}

export async function benchSwarm(log: (line: string) => void = console.log): Promise<SwarmBench> {
  const runs = runsWanted(process.env);
  const stack = await createSwarmStack("bench", { port: 16130 });
  const docker = (...args: string[]) =>
    execFileSync("docker", args, {
      cwd: stack.workspace,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  try {
    const first = await runDeploy(stack.deployRequest("main"));
    if (first.status !== "success") throw new Error(`first deploy failed: ${first.reason}`);
    let deployed = first.targetSha!;
    const runner: number[] = [];
    const runnerNoWatch: number[] = [];
    const plain: number[] = [];
    for (let i = 1; i <= runs; i++) {
      stack.variant(`r${i}`, { "services/web/www/version": `r${i}\n` }, deployed);
      const t = Date.now();
      const result = await runDeploy(stack.deployRequest(`r${i}`));
      const took = Date.now() - t;
      if (result.status !== "success") throw new Error(`runner deploy ${i}: ${result.reason}`);
      runner.push(took);
      runnerNoWatch.push(took - (result.verify?.watchMs ?? 0));
      deployed = result.targetSha!;

      // The plain script.
      const sha = stack.variant(`p${i}`, { "services/web/www/version": `p${i}\n` }, deployed);
      const image = `${stack.project}-web:${sha.slice(0, 12)}`;
      const plainRun = phaseTimer();
      stack.git("checkout", "-q", "--detach", sha);
      plainRun.phase("checkout");
      docker("build", "-q", "-t", image, "services/web");
      plainRun.phase("build");
      docker("service", "update", "--detach", "--no-resolve-image", "--image", image, stack.service);
      plainRun.phase("update");
      const deadline = Date.now() + 120_000;
      for (;;) {
        const tasks = docker(
          "service",
          "ps",
          "--filter",
          "desired-state=running",
          "--format",
          "{{.Image}} {{.CurrentState}}",
          stack.service,
        )
          .trim()
          .split("\n");
        if (tasks.length > 0 && tasks.every((line) => line.startsWith(`${image} Running`))) break;
        if (Date.now() > deadline)
          throw new Error(`plain script: tasks never ran ${image}: ${tasks.join("; ")}`);
        await sleep(100);
      }
      plainRun.phase("tasks");
      while (
        spawnSync("curl", ["-fsS", "-o", "/dev/null", "--max-time", "1", `${stack.url}/health`]).status !== 0
      ) {
        if (Date.now() > deadline) throw new Error("plain script: the health URL never answered");
        await sleep(100);
      }
      plainRun.phase("health");
      plain.push(plainRun.totalMs());
      const plainPhases = Object.entries(plainRun.phases).map(([name, ms]) => `${name} ${ms}`);
      const steps = result.steps.map((step) => `${step.step} ${step.durationMs}`).join(", ");
      // The runner's next deploy starts from the service as the script left it.
      deployed = sha;
      log(
        `  run ${i}: runner ${took} ms (${steps}; of verify: healthy after ${result.verify?.startMs ?? 0} ms of probing, watch ${result.verify?.watchMs ?? 0} ms), plain script ${plain.at(-1)} ms (${plainPhases.join(", ")})`,
      );
    }
    const bench: SwarmBench = {
      runnerMs: median(runner),
      runnerWithoutWatchMs: median(runnerNoWatch),
      plainMs: median(plain),
      ratio: median(runner) / median(plain),
      ratioWithoutWatch: median(runnerNoWatch) / median(plain),
    };
    const watch = stack.serviceConfig().health?.watch;
    log(
      `swarm deploy (median of ${runs} alternating runs): runner ${bench.runnerMs} ms (${bench.runnerWithoutWatchMs} ms without its ${watch} watch window), plain service update + wait-until-healthy ${bench.plainMs} ms`,
    );
    log(
      `  ratio runner/plain: ${bench.ratio.toFixed(2)} (${bench.runnerMs} / ${bench.plainMs} ms, with the watch window)`,
    );
    log(
      `  ratio runner/plain without the watch window: ${bench.ratioWithoutWatch.toFixed(2)} (${bench.runnerWithoutWatchMs} / ${bench.plainMs} ms; target <= 1.10)`,
    );
    return bench;
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSwarm();
