/**
 * Demo benchmark on the real engine: the wall time of each step of `orchestrator demo` and its total,
 * against a baseline measured in the same run: a plain `docker-compose build` + `up -d` of the same
 * stack at the merged fix, until `/health` answers (what someone would type by hand, without
 * diagnosis, verification, watch window or rollback). BENCH_DEMO_RUNS (default 1) repeats both,
 * alternating; medians are printed. Exported for bench/run.ts; `npx tsx bench/demo.ts` runs it alone.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoCommand } from "../src/cli/demo-command.js";
import { formatMs } from "../runner/cli/render.js";
import { freePort } from "../src/cli/demo/ports.js";

export interface DemoStepTime {
  title: string;
  outcome: string;
  ms: number;
}

/** `[n/N] title` then `  ok (1.2 s): ...` / `  FAILED (...)` / `  skipped: ...` lines of the demo's output. */
export function parseDemoSteps(output: string): DemoStepTime[] {
  const steps: DemoStepTime[] = [];
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const head = /^\[\d+\/\d+\] (.+)$/.exec(lines[i]!);
    if (!head) continue;
    for (let j = i + 1; j < lines.length && !/^\[\d+\/\d+\]/.test(lines[j]!); j++) {
      const end = /^ {2}(ok|FAILED) \((\d+) ms|^ {2}(ok|FAILED) \((\d+\.\d) s/.exec(lines[j]!);
      if (end) {
        const ms = end[2] ? Number(end[2]) : Number(end[4]) * 1000;
        steps.push({ title: head[1]!, outcome: end[1] ?? end[3]!, ms });
        break;
      }
      if (/^ {2}skipped: /.test(lines[j]!)) {
        steps.push({ title: head[1]!, outcome: "skipped", ms: 0 });
        break;
      }
    }
  }
  return steps;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function untilHealthy(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One demo, then the plain baseline in the demo's own repository at the merged fix. */
async function oneRun(n: number): Promise<{ totalMs: number; steps: DemoStepTime[]; plainMs: number }> {
  const root = mkdtempSync(join(tmpdir(), "orchestrator-bench-demo-"));
  const project = `orchbenchdemo${process.pid}n${n}`;
  const port = await freePort();
  let output = "";
  const io = {
    stdout: { write: (t: string) => (output += t) },
    stderr: { write: (t: string) => (output += t) },
  };
  try {
    const began = performance.now();
    const code = await demoCommand(
      ["--yes", "--dir", join(root, "demo"), "--project", project, "--port", String(port)],
      io,
    );
    const totalMs = performance.now() - began;
    if (code !== 0) throw new Error(`the demo exited ${code}:\n${output.slice(-3000)}`);

    // Baseline: the same stack at the merged fix (main~1; main is the /health-breaking change).
    const shop = join(root, "demo/shop");
    const plain = `${project}plain`;
    const sh = (argv: string[]) => {
      const r = spawnSync(argv[0]!, argv.slice(1), { cwd: shop, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
    };
    sh(["git", "checkout", "-q", "main~1"]);
    const plainBegan = performance.now();
    sh(["docker-compose", "-p", plain, "build", "shop"]);
    sh(["docker-compose", "-p", plain, "up", "-d", "--no-deps", "shop"]);
    await untilHealthy(`http://127.0.0.1:${port}/health`, 120_000);
    const plainMs = performance.now() - plainBegan;
    spawnSync("docker-compose", ["-p", plain, "down", "--rmi", "local", "-v", "-t", "1"], { cwd: shop });
    return { totalMs, steps: parseDemoSteps(output), plainMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function benchDemo(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_DEMO_RUNS) || 1);
  const results = [];
  for (let n = 0; n < runs; n++) results.push(await oneRun(n));
  const titles = results[0]!.steps.map((s) => s.title);
  const width = Math.max(...titles.map((t) => t.length));
  console.log(`orchestrator demo, ${runs} run(s), medians (wall time of each step, in-process):`);
  for (const title of titles) {
    const times = results.map((r) => r.steps.find((s) => s.title === title)?.ms ?? 0);
    console.log(`  ${title.padEnd(width)}  ${formatMs(Math.round(median(times))).padStart(8)}`);
  }
  const total = median(results.map((r) => r.totalMs));
  const plain = median(results.map((r) => r.plainMs));
  const fixDeploy = median(
    results.map((r) => r.steps.find((s) => s.title.startsWith("deploy the merged fix"))?.ms ?? 0),
  );
  console.log(`  ${"total".padEnd(width)}  ${formatMs(Math.round(total)).padStart(8)}`);
  console.log(
    `baseline: plain docker-compose build + up -d of the same stack at the fix, until /health answers: ${formatMs(Math.round(plain))}`,
  );
  console.log(
    `ratio: the demo's deploy of the fix (build, up, verify, 3 s watch) / baseline = ${(fixDeploy / plain).toFixed(2)}; whole demo / baseline = ${(total / plain).toFixed(2)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDemo();
