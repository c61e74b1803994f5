/** Shared by the deploy benches: how many alternating runs per side, and how they are timed. */

/** Runs per side; `BENCH_RUNS` overrides (at least 1). */
export function runsWanted(env: NodeJS.ProcessEnv): number {
  const raw = env.BENCH_RUNS?.trim();
  if (!raw) return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_RUNS must be a positive integer, got '${raw}'`);
  return n;
}

/** Named phases of one timed run: `phase(name)` closes the phase running since the last call. */
export function phaseTimer(): {
  phase(name: string): void;
  phases: Record<string, number>;
  totalMs(): number;
} {
  const started = Date.now();
  let since = started;
  const phases: Record<string, number> = {};
  return {
    phase(name) {
      const now = Date.now();
      phases[name] = now - since;
      since = now;
    },
    phases,
    totalMs: () => Date.now() - started,
  };
}
