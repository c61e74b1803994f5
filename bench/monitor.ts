/**
 * Monitor overhead and crash-to-dispatch time, measured on real runner processes and real containers.
 *
 * 1. Overhead: `orchestrator-runner monitor` (dist/, env + argv only) watching 20 services (container
 *    list + inspect and the HTTP health URL each) at a 1 s interval. Its CPU (% of one core, from
 *    /proc/<pid>/stat) and RSS (/proc/<pid>/status) over the window, against a baseline measured at
 *    the same time: the same runner on the same 20 services at a 60-minute interval (it checks them
 *    once at start, then idles), so the difference is what checking costs. The window is 20 s by
 *    default to keep `npm run bench` short; `BENCH_MONITOR_SECONDS=60` runs the full minute.
 *    Targets: under 2% of one core and under 80 MB RSS.
 * 2. Crash outside a deploy -> dispatch sent: `orchestrator-runner start` against the fake GitHub over
 *    HTTP, 1 s interval; a container is killed and the time until GitHub receives the
 *    `orchestrator.runtime_failure` dispatch is measured, 5 times (the service is brought back and
 *    healthy between kills, so each kill is its own incident); median printed. Target: under one
 *    interval + 1 s. The baseline printed beside it is the interval itself (the longest a failure
 *    can wait for its next check).
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { buildDist, ROOT } from "../test/cli/build-dist.js";
import { serveFakeGitHub, type FakeGitHubServer } from "../test/e2e/fake-github-server.js";
import { openGitStore } from "../test/e2e/git-store.js";
import { ownProcess, startRunner, type OwnProcess } from "../test/e2e/processes.js";
import { waitFor } from "../test/e2e/wait.js";
import { TEST_APP_ID, testPrivateKey } from "../test/helpers/github.js";
import { createGitOrigin } from "../test/runner/git-origin.js";
import { createMonitorStack, type MonitorStack } from "../test/runner/monitor/monitor-stack.js";
import { freePort } from "../test/runner/stack.js";

const SERVICES = 20;
const INTERVAL_MS = 1000;
const CLOCK_TICKS_PER_S = 100;

interface ProcSample {
  /** user + system CPU time, seconds. */
  cpuS: number;
  rssBytes: number;
  peakRssBytes: number;
}

/** CPU time and memory of a process from /proc (Linux). */
export function procSample(pid: number): ProcSample {
  // Fields after the command name `(…)`: state is field 3; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { cpuS: ticks / CLOCK_TICKS_PER_S, rssBytes: kb("VmRSS") * 1024, peakRssBytes: kb("VmHWM") * 1024 };
}

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    LOG_LEVEL: "info",
  };
}

type Status = { overall_health: string; services: Record<string, { health: string; total_checks: number }> };

async function status(port: number): Promise<Status> {
  return (await (await fetch(`http://127.0.0.1:${port}/health/status`)).json()) as Status;
}

async function allHealthy(port: number, what: string): Promise<Status> {
  return waitFor(
    async () => {
      const s = await status(port).catch(() => null);
      return s && Object.values(s.services).filter((x) => x.health === "healthy").length === SERVICES
        ? s
        : null;
    },
    { timeoutMs: 90_000, what },
  );
}

async function startMonitorProcess(
  stack: MonitorStack,
  workspace: string,
  name: string,
): Promise<{ runner: OwnProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/orchestrator-runner.js", "monitor", "--workspace", workspace], {
    cwd: ROOT,
    env: {
      ...baseEnv(),
      COMPOSE_PROJECT_NAME: stack.project,
      RUNNER_STATE_DIR: join(stack.root, `state-${name}`),
      RUNNER_STATUS_PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const runner = ownProcess(`the ${name} monitor`, child);
  await runner.waitForLine(/^monitor started$/, 60_000);
  return { runner, port };
}

async function overhead(stack: MonitorStack, seconds: number): Promise<void> {
  // The baseline's workspace: the same services, checked once an hour.
  const idleWorkspace = join(stack.root, "ws-idle");
  mkdirSync(join(idleWorkspace, ".github"), { recursive: true });
  const config = readFileSync(join(stack.workspace, ".github/orchestrator.yml"), "utf8");
  writeFileSync(
    join(idleWorkspace, ".github/orchestrator.yml"),
    config.replace('"interval":"1s"', '"interval":"60m"'),
  );
  const subject = await startMonitorProcess(stack, stack.workspace, "1 s");
  const baseline = await startMonitorProcess(stack, idleWorkspace, "60 min");
  try {
    await allHealthy(subject.port, "20 healthy services (1 s monitor)");
    await allHealthy(baseline.port, "20 healthy services (60 min monitor)");
    await sleep(3000); // past start-up work (module loading, first connections)
    const pids = [subject.runner.child.pid!, baseline.runner.child.pid!];
    const checksBefore = (await status(subject.port)).services.s0!.total_checks;
    const [s0, b0] = pids.map(procSample) as [ProcSample, ProcSample];
    const began = performance.now();
    await sleep(seconds * 1000);
    const [s1, b1] = pids.map(procSample) as [ProcSample, ProcSample];
    const windowS = (performance.now() - began) / 1000;
    const after = await status(subject.port);
    const checks = after.services.s0!.total_checks - checksBefore;
    const healthy = Object.values(after.services).filter((x) => x.health === "healthy").length;
    const cpu = ((s1.cpuS - s0.cpuS) / windowS) * 100;
    const idleCpu = ((b1.cpuS - b0.cpuS) / windowS) * 100;
    const mb = (b: number) => (b / 1e6).toFixed(1);
    console.log(
      `monitor overhead (${SERVICES} services, 1 s interval, ${windowS.toFixed(0)} s window, runner process): ` +
        `CPU ${cpu.toFixed(2)}% of one core (baseline: same runner at a 60 min interval ${idleCpu.toFixed(2)}%; ` +
        `checking adds ${(cpu - idleCpu).toFixed(2)}%), RSS ${mb(s1.rssBytes)} MB, peak ${mb(s1.peakRssBytes)} MB ` +
        `(baseline ${mb(b1.rssBytes)} MB, peak ${mb(b1.peakRssBytes)} MB); ` +
        `${checks} checks of each service in the window, ${healthy}/${SERVICES} healthy; targets < 2% and < 80 MB`,
    );
  } finally {
    await subject.runner.stop();
    await baseline.runner.stop();
  }
}

async function crashToDispatch(stack: MonitorStack): Promise<void> {
  const repo = createGitOrigin({
    ".github/orchestrator.yml": readFileSync(join(stack.workspace, ".github/orchestrator.yml"), "utf8"),
  });
  const github: FakeGitHubServer = await serveFakeGitHub(openGitStore(repo.origin), {
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
  });
  repo.git(repo.workspace, "config", `url.${repo.origin}.insteadOf`, `http://${github.host}/acme/stack.git`);
  const port = await freePort();
  const runner = startRunner({
    ...baseEnv(),
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    RUNNER_REPO: "acme/stack",
    RUNNER_ENVIRONMENT: "production",
    RUNNER_WORKSPACE: repo.workspace,
    RUNNER_STATE_DIR: join(stack.root, "state-start"),
    COMPOSE_PROJECT_NAME: stack.project,
    RUNNER_POLL_INTERVAL: "5s",
    RUNNER_STATUS_PORT: String(port),
  });
  try {
    await runner.waitForLine(/^runner started$/, 60_000);
    await allHealthy(port, "20 healthy services (start)");
    const dispatchTimes = () =>
      github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/dispatches")).map((r) => r.at);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const seen = dispatchTimes().length;
      const container = await stack.container("s0");
      const killedAt = Date.now();
      await container.kill();
      const at = await waitFor(() => dispatchTimes()[seen], {
        timeoutMs: 30_000,
        what: () => `dispatch ${i + 1}; runner output:\n${runner.output().slice(-2000)}`,
      });
      times.push(at - killedAt);
      await container.start();
      // A good check after the restart closes the incident: the next kill is a new one.
      await waitFor(async () => (await status(port)).overall_health === "healthy", {
        timeoutMs: 30_000,
        what: "the stack healthy again",
      });
    }
    const sent = github.fake.dispatches.filter((d) => d.event_type === "orchestrator.runtime_failure");
    if (sent.length !== 5)
      throw new Error(`expected 5 runtime_failure dispatches, GitHub got ${sent.length}`);
    if (github.problems.length > 0) throw new Error(`fake GitHub problems:\n${github.problems.join("\n")}`);
    times.sort((a, b) => a - b);
    console.log(
      `crash outside a deploy -> dispatch received by GitHub (start, 1 s interval): median ${times[2]} ms ` +
        `over 5 kills (min ${times[0]}, max ${times[4]}; baseline: the interval, ${INTERVAL_MS} ms); ` +
        `target < ${INTERVAL_MS + 1000} ms (interval + 1 s)`,
    );
  } finally {
    await runner.stop();
    await github.close();
  }
}

export async function benchMonitor(): Promise<void> {
  const raw = process.env.BENCH_MONITOR_SECONDS ?? "20";
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`BENCH_MONITOR_SECONDS must be a positive number of seconds, got '${raw}'`);
  await buildDist();
  const services = Array.from({ length: SERVICES }, (_, i) => ({ name: `s${i}` }));
  const stack = await createMonitorStack("bench", services);
  try {
    stack.writeConfig({ interval: "1s", timeout: "2s" });
    stack.up();
    await overhead(stack, seconds);
    await crashToDispatch(stack);
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMonitor();
