/**
 * Monitor overhead and crash-to-dispatch time, on real containers.
 *
 * 1. Overhead: CPU (% of one core) and RSS of this process monitoring 20 services (container inspect
 *    + HTTP health URL each) at a 1 s interval, against a baseline of the same process idle for the
 *    same time. The window is 20 s by default, not a minute, to keep `npm run bench` short;
 *    `BENCH_MONITOR_SECONDS=60` runs the full minute. Targets: under 2% of one core, under 80 MB RSS.
 * 2. Crash outside a deploy -> dispatch: a container is killed and the time until the monitor hands
 *    the incident to its dispatcher (what `start` sends to GitHub) is measured, 5 times; median
 *    printed. Target: under one interval + 1 s.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { loadWorkspaceConfig } from "../runner/cli/options.js";
import { createMonitor } from "../runner/monitor/monitor.js";
import { createMonitorDocker } from "../runner/monitor/monitor-docker.js";
import { createMonitorStack } from "../test/runner/monitor/monitor-stack.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function cpuPercent(windowMs: number, run: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  const began = performance.now();
  return run().then(() => {
    const used = process.cpuUsage(before);
    return ((used.user + used.system) / 1000 / Math.max(windowMs, performance.now() - began)) * 100;
  });
}

export async function benchMonitor(): Promise<void> {
  const seconds = Number(process.env.BENCH_MONITOR_SECONDS ?? "20");
  const services = Array.from({ length: 20 }, (_, i) => ({ name: `s${i}` }));
  const stack = await createMonitorStack("bench", services);
  try {
    stack.writeConfig({ interval: "1s", timeout: "2s" });
    stack.up();
    const config = loadWorkspaceConfig(stack.workspace);
    let incidentAt = 0;
    const monitor = createMonitor({
      project: stack.project,
      stateDir: stack.stateDir,
      docker: createMonitorDocker(stack.env),
      config: () => config,
      log: silent,
      onIncident: async () => {
        incidentAt = performance.now();
        return { sent: true };
      },
    });
    // Settle, then measure the idle baseline and the monitored window back to back.
    await sleep(1000);
    const idle = await cpuPercent(seconds * 1000, () => sleep(seconds * 1000).then(() => {}));
    const idleRss = process.memoryUsage().rss;
    monitor.start();
    await sleep(2000);
    const roundsBefore = monitor.rounds;
    const busy = await cpuPercent(seconds * 1000, () => sleep(seconds * 1000).then(() => {}));
    const rss = process.memoryUsage().rss;
    const rounds = monitor.rounds - roundsBefore;
    const healthy = Object.values(monitor.status().services).filter((s) => s.health === "healthy").length;
    console.log(
      `monitor overhead (20 services, 1 s interval, ${seconds} s): CPU ${busy.toFixed(2)}% of one core ` +
        `(idle baseline ${idle.toFixed(2)}%, monitor adds ${(busy - idle).toFixed(2)}%, ratio ${(busy / Math.max(idle, 0.01)).toFixed(1)}x), ` +
        `RSS ${(rss / 1e6).toFixed(1)} MB (baseline ${(idleRss / 1e6).toFixed(1)} MB), ${rounds} rounds, ${healthy}/20 healthy; ` +
        `targets < 2% and < 80 MB`,
    );

    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const container = await stack.container("s0");
      incidentAt = 0;
      const killed = performance.now();
      await container.kill();
      while (incidentAt === 0 && performance.now() - killed < 30_000) await sleep(10);
      if (incidentAt === 0) throw new Error("no incident within 30 s of the kill");
      times.push(incidentAt - killed);
      await container.start();
      const back = performance.now();
      while (monitor.status().services.s0!.health !== "healthy" && performance.now() - back < 30_000)
        await sleep(20);
    }
    times.sort((a, b) => a - b);
    console.log(
      `crash outside a deploy -> dispatch: median ${times[2]!.toFixed(0)} ms over 5 kills ` +
        `(min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)}); target < ${1000 + 1000} ms (interval + 1 s)`,
    );
    await monitor.stop();
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMonitor();
