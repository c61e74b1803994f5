/**
 * Zero-downtime benchmark: one busybox service behind one real nginx (resolving it by its compose DNS
 * name), the same modest load (LOAD_CLIENTS concurrent clients, each sending sequential GETs through
 * the proxy on its own kept-alive connection, 2 s timeout; the load process at a raised priority when
 * it may), four deploys side by side: a good deploy and a failed one (its health check fails), with `recreate` and `start-first`.
 * Prints failed requests and the longest gap without a successful answer for each, the time from the
 * failed verification until only the old version serves, and the deploy wall-time ratio. A gap is a
 * stretch without a successful answer to any client (one slow request is not downtime; all clients
 * failing is); the worst single client's gap and the load process's event-loop delay are printed
 * beside it. Two loops
 * run side by side, each in its own process: one to the service and one to a static answer of the
 * same nginx (the baseline), so a stall of the machine is told apart from a gap of the deploy; the
 * figures are printed for the whole run and for the part after the build (where the strategies differ).
 * Exported for bench/run.ts; `npx tsx bench/zero-downtime.ts` runs it alone.
 */
import type { DeployStrategy } from "../src/config/schema.js";
import { readEvents } from "../runner/journal/journal-file.js";
import { runDeploy } from "../runner/pipeline/deploy.js";
import type { DeployResult } from "../runner/journal/events.js";
import {
  gapBeyondBaseline,
  startLoad,
  summarize,
  type LoadReport,
  type LoadSample,
} from "../test/helpers/load-loop.js";
import { createProxyStack, type ProxyStack } from "../test/runner/strategy/proxy-stack.js";

/** Concurrent clients per load loop, and the niceness the load processes ask for (root only). */
const LOAD = { clients: 4, nice: -10 } as const;

export interface ZeroDowntimeRow {
  strategy: DeployStrategy;
  kind: "deploy" | "rollback";
  status: string;
  reason: string;
  requests: number;
  failed: number;
  longestGapMs: number;
  /** The worst gap one client alone saw (what a single sequential client would report). */
  worstClientGapMs: number;
  /** The load process's longest event-loop delay (its own stall), ms. */
  loadStallMs: number | null;
  /** The load process's niceness (and why it could not raise its priority). */
  loadNiceness: string;
  /** The step that was running when the longest gap ended. */
  gapStep: string;
  /** The same loop at the same time against nginx's own static answer (no service): the machine's noise. */
  baselineFailed: number;
  baselineGapMs: number;
  /** The same after the build (what the strategy changes: the build never touches a container). */
  switchFailed: number;
  switchGapMs: number;
  switchBaselineGapMs: number;
  switchBeyondBaselineMs: number;
  /** The service loop's longest gap minus what the baseline loop stalled during it (the deploy's own share). */
  beyondBaselineMs: number;
  beyondBaselineStep: string;
  wallMs: number;
  /** start-first: the drain step (the old container serving after the join, for proxies' DNS caches). */
  drainMs: number;
  /** The run's steps with their durations. */
  steps: string;
  /** rollback: from the failed verification until only the old version answers (ms). */
  oldOnlyMs: number | null;
}

/** The step running at `at`, from the run's journal. */
export function stepAt(result: DeployResult, at: number): string {
  let current = "(outside the run)";
  for (const e of readEvents(result.artifactsDir)) {
    if (Date.parse(e.at) > at) break;
    if (e.type === "step-start") current = e.step;
    if (e.type === "step-end" && e.step === current) current = `after ${e.step}`;
  }
  return current;
}

/** The time a step ended, from the run's journal. */
function stepEndAt(result: DeployResult, step: string): number | null {
  const event = readEvents(result.artifactsDir).find((e) => e.type === "step-end" && e.step === step);
  return event ? Date.parse(event.at) : null;
}

/**
 * From `failedAt` until the old version serves alone: the last answer after it that was not the old
 * version (the new one answering, or a failure) marks the end; 0 when every answer after it was old.
 */
export function oldOnlyAfter(samples: LoadSample[], failedAt: number, oldVersion: string): number {
  let last = failedAt;
  for (const s of samples) if (s.at > failedAt && !(s.ok && s.body === oldVersion)) last = s.at;
  return last - failedAt;
}

async function measure(
  stack: ProxyStack,
  strategy: DeployStrategy,
  kind: ZeroDowntimeRow["kind"],
  ref: string,
): Promise<ZeroDowntimeRow> {
  const request = stack.deployRequest(ref);
  const config = request.serviceConfig;
  request.serviceConfig = {
    ...config,
    deploy: { ...config.deploy, strategy, single_writer_volumes: [] },
    // recreate probes from the host, through the proxy (the only published port); start-first probes
    // the new container's own address.
    health:
      strategy === "recreate" && config.health
        ? { ...config.health, url: `${stack.url}/health` }
        : config.health,
  };
  const before = await stack.get("/version");
  const load = startLoad(`${stack.url}/version`, LOAD);
  const baseline = startLoad(`${stack.url}/loop-baseline`, LOAD);
  await Promise.all([load.ready, baseline.ready]);
  const startedAt = Date.now();
  const result = await runDeploy(request);
  const [report, noise]: LoadReport[] = await Promise.all([load.stop(), baseline.stop()]);
  const stoppedAt = Date.now();
  const beyond = gapBeyondBaseline(load.samples(), baseline.samples(), startedAt, stoppedAt);
  // From the end of the build on: the switch (start-first) or the replacement (recreate).
  const from = stepEndAt(result, "build") ?? startedAt;
  const after = (samples: LoadSample[]) => samples.filter((s) => s.at > from);
  const sw = summarize(after(load.samples()), from, stoppedAt);
  const swBase = summarize(after(baseline.samples()), from, stoppedAt);
  const swBeyond = gapBeyondBaseline(after(load.samples()), after(baseline.samples()), from, stoppedAt);
  const failedAt =
    kind === "rollback" ? stepEndAt(result, strategy === "start-first" ? "verify-new" : "verify") : null;
  return {
    strategy,
    kind,
    status: result.status,
    reason: result.reason,
    requests: report!.requests,
    failed: report!.failed,
    longestGapMs: report!.longestGapMs,
    worstClientGapMs: report!.worstClientGapMs,
    loadStallMs: load.info().loopDelay?.maxMs ?? null,
    loadNiceness: `${load.info().niceness}${load.info().niceError ? ` (raising it failed: ${load.info().niceError})` : ""}`,
    gapStep: stepAt(result, report!.longestGapEndAt),
    baselineFailed: noise!.failed,
    baselineGapMs: noise!.longestGapMs,
    switchFailed: sw.failed,
    switchGapMs: sw.longestGapMs,
    switchBaselineGapMs: swBase.longestGapMs,
    switchBeyondBaselineMs: swBeyond.excessMs,
    beyondBaselineMs: beyond.excessMs,
    beyondBaselineStep: stepAt(result, beyond.endAt),
    wallMs: result.durationMs,
    drainMs: result.steps.find((s) => s.step === "drain-old")?.durationMs ?? 0,
    steps: result.steps.map((s) => `${s.step} ${s.durationMs}`).join(", "),
    oldOnlyMs: failedAt === null || before === null ? null : oldOnlyAfter(load.samples(), failedAt, before),
  };
}

export async function benchZeroDowntime(
  log: (line: string) => void = console.log,
): Promise<ZeroDowntimeRow[]> {
  const stack = await createProxyStack("bench");
  try {
    await stack.upInitial();
    let n = 0;
    const good = () => stack.variant(`good-${++n}`, { "services/web/www/version": `v${n + 1}\n` });
    const bad = () =>
      stack.variant(`bad-${++n}`, {
        "services/web/www/version": `bad${n}\n`,
        "services/web/www/health": null,
      });
    // Every deploy below runs two loops side by side, each in its own process: one through the proxy to
    // the service, one to a static answer of the same proxy (the baseline: what this machine alone does).
    const rows: ZeroDowntimeRow[] = [];
    for (const strategy of ["recreate", "start-first"] as const) {
      rows.push(await measure(stack, strategy, "deploy", good()));
      rows.push(await measure(stack, strategy, "rollback", bad()));
    }
    log(
      "strategy     case      status       requests  failed  longest gap (step it ended in)  | baseline: failed  longest gap | wall      old only after failed verify",
    );
    for (const r of rows)
      log(
        `${r.strategy.padEnd(12)} ${r.kind.padEnd(9)} ${r.status.padEnd(12)} ${String(r.requests).padStart(8)}  ${String(r.failed).padStart(6)}  ${`${r.longestGapMs} ms`.padStart(11)} (${r.gapStep})`.padEnd(
          98,
        ) +
          `| ${String(r.baselineFailed).padStart(16)}  ${`${r.baselineGapMs} ms`.padStart(11)} | ${`${r.wallMs} ms`.padStart(8)}  ${r.oldOnlyMs === null ? "" : `${r.oldOnlyMs} ms`}`,
      );
    log(
      `load: ${LOAD.clients} concurrent clients per loop (a gap = no successful answer to any of them), load process niceness ${rows[0]!.loadNiceness}`,
    );
    for (const r of rows)
      log(
        `  ${r.strategy.padEnd(12)} ${r.kind.padEnd(9)} one client alone: worst gap ${r.worstClientGapMs} ms; the load process's own event-loop delay: max ${r.loadStallMs ?? "?"} ms`,
      );
    log("after the build (the part the strategy changes; the build touches no container):");
    for (const r of rows)
      log(
        `  ${r.strategy.padEnd(12)} ${r.kind.padEnd(9)} ${String(r.switchFailed).padStart(3)} failed, longest gap ${r.switchGapMs} ms (baseline loop ${r.switchBaselineGapMs} ms; beyond the baseline's stall ${r.switchBeyondBaselineMs} ms)`,
      );
    for (const r of rows)
      log(
        `  ${r.strategy} ${r.kind}: whole run, longest gap beyond the baseline's own stall ${r.beyondBaselineMs} ms (${r.beyondBaselineStep}); steps (ms): ${r.steps}`,
      );
    for (const r of rows)
      if (r.status !== (r.kind === "deploy" ? "success" : "rolled_back"))
        log(`  ${r.strategy} ${r.kind} ended ${r.status}: ${r.reason}`);
    const pick = (s: DeployStrategy, k: ZeroDowntimeRow["kind"]) =>
      rows.find((r) => r.strategy === s && r.kind === k)!;
    const sf = [pick("start-first", "deploy"), pick("start-first", "rollback")];
    const most = (f: (r: ZeroDowntimeRow) => number) => Math.max(...sf.map(f));
    log(
      `start-first: ${sf.reduce((a, r) => a + r.failed, 0)} failed (target 0), longest gap after the build ${most((r) => r.switchGapMs)} ms (target < 100 ms; ${most((r) => r.switchGapMs) < 100 ? "meets" : "MISSES"}; the baseline loop's in the same window ${most((r) => r.switchBaselineGapMs)} ms, beyond the baseline's stall ${most((r) => r.switchBeyondBaselineMs)} ms); whole run ${most((r) => r.longestGapMs)} ms (baseline loop ${most((r) => r.baselineGapMs)} ms); ` +
        `recreate: ${pick("recreate", "deploy").failed + pick("recreate", "rollback").failed} failed, longest gap ${Math.max(pick("recreate", "deploy").longestGapMs, pick("recreate", "rollback").longestGapMs)} ms`,
    );
    log(
      `failed verification -> old version only: start-first ${pick("start-first", "rollback").oldOnlyMs} ms (target <= 50 ms), recreate ${pick("recreate", "rollback").oldOnlyMs} ms`,
    );
    const [sfDeploy, reDeploy] = [pick("start-first", "deploy"), pick("recreate", "deploy")];
    log(
      `deploy wall time start-first / recreate: ${(sfDeploy.wallMs / reDeploy.wallMs).toFixed(2)} (${sfDeploy.wallMs} ms / ${reDeploy.wallMs} ms); ` +
        `without start-first's drain (${sfDeploy.drainMs} ms, deploy.drain): ${((sfDeploy.wallMs - sfDeploy.drainMs) / reDeploy.wallMs).toFixed(2)}`,
    );
    return rows;
  } finally {
    await stack.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchZeroDowntime();
