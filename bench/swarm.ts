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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function runsWanted(env: NodeJS.ProcessEnv): number {
  const raw = env.BENCH_RUNS?.trim();
  if (!raw) return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a positive integer, got '${raw}'`);
  return n;
}

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
      let t = Date.now();
      const result = await runDeploy(stack.deployRequest(`r${i}`));
      const took = Date.now() - t;
      if (result.status !== "success") throw new Error(`runner deploy ${i}: ${result.reason}`);
      runner.push(took);
      runnerNoWatch.push(took - (result.verify?.watchMs ?? 0));
      deployed = result.targetSha!;

      // The plain script.
      const sha = stack.variant(`p${i}`, { "services/web/www/version": `p${i}\n` }, deployed);
      const image = `${stack.project}-web:${sha.slice(0, 12)}`;
      t = Date.now();
      const plainPhases: string[] = [];
      const phase = (name: string, since: number) => plainPhases.push(`${name} ${Date.now() - since}`);
      stack.git("checkout", "-q", "--detach", sha);
      let p = Date.now();
      docker("build", "-q", "-t", image, "services/web");
      phase("build", p);
      p = Date.now();
      docker("service", "update", "--detach", "--no-resolve-image", "--image", image, stack.service);
      phase("update", p);
      p = Date.now();
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
      phase("tasks", p);
      p = Date.now();
      while (
        spawnSync("curl", ["-fsS", "-o", "/dev/null", "--max-time", "1", `${stack.url}/health`]).status !== 0
      ) {
        if (Date.now() > deadline) throw new Error("plain script: the health URL never answered");
        await sleep(100);
      }
      phase("health", p);
      plain.push(Date.now() - t);
      const steps = result.steps.map((step) => `${step.step} ${step.durationMs}`).join(", ");
      // The runner's next deploy starts from the service as the script left it.
      deployed = sha;
      log(
        `  run ${i}: runner ${took} ms (${steps}; watch ${result.verify?.watchMs ?? 0} ms), plain script ${plain.at(-1)} ms (${plainPhases.join(", ")})`,
      );
    }
    const bench: SwarmBench = {
      runnerMs: median(runner),
      runnerWithoutWatchMs: median(runnerNoWatch),
      plainMs: median(plain),
      ratio: median(runner) / median(plain),
      ratioWithoutWatch: median(runnerNoWatch) / median(plain),
    };
    log(
      `swarm deploy (median of ${runs}): runner ${bench.runnerMs} ms, plain service update + wait-until-healthy ${bench.plainMs} ms`,
    );
    log(
      `  ratio runner/plain: ${bench.ratio.toFixed(2)} (with the runner's ${stack.serviceConfig().health?.watch} watch window)`,
    );
    log(
      `  ratio runner/plain without the watch window: ${bench.ratioWithoutWatch.toFixed(2)} (target <= 1.10)`,
    );
    return bench;
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSwarm();
