export interface BackoffOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/**
 * The verifier's first probe is immediate; retries start at 100 ms and grow gently to at most 1 s.
 * A container usually turns healthy about one HEALTHCHECK interval after `up`, so long early gaps
 * only add latency (the old 250 ms x2 schedule noticed a 1.1 s health at 1.75 s). A probe is one
 * inspect and one GET, so even a 1 s cap over a 60 s timeout is cheap.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, factor: 1.5, maxMs: 1_000 };

/** Delay before retry number `attempt` (0-based): initial * factor^attempt, capped at maxMs. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new Error(`backoff attempt must be a non-negative integer, got ${attempt}`);
  if (options.initialMs <= 0 || options.factor < 1 || options.maxMs < options.initialMs) {
    throw new Error("backoff needs initialMs > 0, factor >= 1 and maxMs >= initialMs");
  }
  return Math.min(options.maxMs, Math.round(options.initialMs * options.factor ** attempt));
}

/**
 * Every delay the probe loop will sleep within `timeoutMs`: the last one is shortened so that the
 * final probe happens at the deadline instead of after it.
 */
export function backoffSchedule(timeoutMs: number, options: BackoffOptions = DEFAULT_BACKOFF): number[] {
  if (!(timeoutMs >= 0)) throw new Error(`backoff timeout must be >= 0 ms, got ${timeoutMs}`);
  const delays: number[] = [];
  let elapsed = 0;
  for (let attempt = 0; elapsed < timeoutMs; attempt++) {
    const delay = Math.min(backoffDelay(attempt, options), timeoutMs - elapsed);
    delays.push(delay);
    elapsed += delay;
  }
  return delays;
}
