/**
 * Pure part of the deploy benchmark: split a runner result into its phases, take medians over the
 * repeated runs, and render the comparison with the plain script.
 */
import type { DeployResult } from "../runner/journal/events.js";

/** The runner's phases, in pipeline order. `other` is lock, journal, compose detection and report. */
export const RUNNER_PHASES = [
  "prepare + rollback point",
  "checkout",
  "build",
  "up",
  "verify probe",
  "watch",
  "other",
] as const;
export type RunnerPhase = (typeof RUNNER_PHASES)[number];

export const PLAIN_PHASES = ["checkout", "build", "up", "docker health", "curl until healthy"] as const;
export type PlainPhase = (typeof PLAIN_PHASES)[number];

export interface Sample<P extends string> {
  totalMs: number;
  phases: Record<P, number>;
}

/**
 * When the runner saw the new container healthy: the first start-phase look whose Docker health was
 * `healthy` (the verdict is computed and recorded right after it). Null when the image has no
 * HEALTHCHECK or the run did not get there.
 */
export function runnerSawHealthyAt(result: DeployResult): number | null {
  const probe = result.verify?.probes.find((p) => p.kind === "docker-health" && p.ok);
  return probe ? Date.parse(probe.at) : null;
}

/** Wall-clock total and the result of one successful runner deploy -> its phases. */
export function runnerSample(totalMs: number, result: DeployResult): Sample<RunnerPhase> {
  if (result.status !== "success") throw new Error(`bench deploy failed: ${result.status}: ${result.reason}`);
  const step = (name: string) => result.steps.find((s) => s.step === name)?.durationMs ?? 0;
  const verify = result.verify;
  if (verify?.startMs === undefined || verify.watchMs === undefined)
    throw new Error("the runner result has no verify timings (startMs/watchMs)");
  const phases: Record<RunnerPhase, number> = {
    "prepare + rollback point": step("prepare"),
    checkout: step("checkout"),
    build: step("build"),
    up: step("up"),
    "verify probe": verify.startMs,
    watch: verify.watchMs,
    other: 0,
  };
  const accounted = RUNNER_PHASES.reduce((sum, phase) => sum + phases[phase], 0);
  phases.other = Math.max(0, totalMs - accounted);
  return { totalMs, phases };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Per-phase medians (each phase on its own, so they need not add up to the median total). */
export function medianSample<P extends string>(samples: Sample<P>[], phases: readonly P[]): Sample<P> {
  const out = {} as Record<P, number>;
  for (const phase of phases) out[phase] = median(samples.map((s) => s.phases[phase]));
  return { totalMs: median(samples.map((s) => s.totalMs)), phases: out };
}

export interface DeployComparison {
  runs: number;
  runner: Sample<RunnerPhase>;
  plain: Sample<PlainPhase>;
  /** Runner total minus its watch window: the part comparable with the plain script. */
  runnerNoWatchMs: number;
  ratio: number;
  ratioNoWatch: number;
}

export function compare(runnerSamples: Sample<RunnerPhase>[], plainSamples: Sample<PlainPhase>[]) {
  if (runnerSamples.length === 0 || runnerSamples.length !== plainSamples.length)
    throw new Error("compare needs the same, non-zero number of runner and plain samples");
  const runner = medianSample(runnerSamples, RUNNER_PHASES);
  const plain = medianSample(plainSamples, PLAIN_PHASES);
  // The median of the per-run differences, not the difference of two medians.
  const runnerNoWatchMs = median(runnerSamples.map((s) => s.totalMs - s.phases.watch));
  return {
    runs: runnerSamples.length,
    runner,
    plain,
    runnerNoWatchMs,
    ratio: runner.totalMs / plain.totalMs,
    ratioNoWatch: runnerNoWatchMs / plain.totalMs,
  } satisfies DeployComparison;
}

/** One figure against its baseline from the same run, and the target it has to meet. */
export interface Figure {
  name: string;
  valueMs: number;
  baselineName: string;
  baselineMs: number;
  targetMs: number;
}

export function formatFigure(f: Figure): string {
  const verdict = f.valueMs <= f.targetMs ? "meets" : "MISSES";
  return `  ${f.name}: ${f.valueMs} ms (${f.baselineName}: ${f.baselineMs} ms); ${verdict} the target <= ${f.targetMs} ms`;
}

export function formatComparison(c: DeployComparison): string[] {
  const row = (name: string, ms: number) => `    ${name.padEnd(26)} ${String(ms).padStart(6)} ms`;
  return [
    `deploy (median of ${c.runs} alternating runs each):`,
    `  runner total               ${String(c.runner.totalMs).padStart(6)} ms`,
    `  runner minus watch window  ${String(c.runnerNoWatchMs).padStart(6)} ms`,
    `  plain script               ${String(c.plain.totalMs).padStart(6)} ms`,
    `  ratio runner / plain                ${c.ratio.toFixed(2)}`,
    `  ratio (runner - watch) / plain      ${c.ratioNoWatch.toFixed(2)} (target <= 1.05: ${c.ratioNoWatch <= 1.05 ? "meets" : "MISSES"})`,
    "  runner phases (medians):",
    ...RUNNER_PHASES.map((p) => row(p, c.runner.phases[p])),
    "  plain script phases (medians):",
    ...PLAIN_PHASES.map((p) => row(p, c.plain.phases[p])),
  ];
}
