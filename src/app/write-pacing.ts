/**
 * How the app paces its writes to GitHub. Octokit's throttling plugin spaces every POST/PATCH/PUT/DELETE
 * one second apart, so a fix (reaction, tree, commit, ref, PR, label, two check runs) took over 8 s
 * although it is a short burst. GitHub's documented secondary limit is 80 content-creating requests a
 * minute; this pacer lets a burst of BURST writes go out WRITE_GAP_MS apart and refills one write per
 * second, so the sustained rate stays at 60 a minute. It plugs in as the plugin's `write` group (and,
 * slower, as its `notifications` group: PRs and comments).
 */

export const WRITE_BURST = 10;
export const WRITE_REFILL_MS = 1_000;
export const WRITE_GAP_MS = 50;

/** The part of a Bottleneck limiter the throttling plugin calls. */
export interface WriteLimiter {
  schedule<R>(options: unknown, job: (...args: unknown[]) => R | Promise<R>, ...args: unknown[]): Promise<R>;
}

/** The part of a Bottleneck group the throttling plugin calls: one limiter per installation id. */
export interface WriteGroup {
  key(id?: string): WriteLimiter;
}

export interface PacingOptions {
  burst?: number;
  refillMs?: number;
  gapMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** A token bucket per key: writes run one at a time, in order, as tokens allow. */
export function createWritePacer(options: PacingOptions = {}): WriteGroup {
  const burst = options.burst ?? WRITE_BURST;
  const refillMs = options.refillMs ?? WRITE_REFILL_MS;
  const gapMs = options.gapMs ?? WRITE_GAP_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const limiters = new Map<string, WriteLimiter>();

  function limiter(): WriteLimiter {
    let tokens = burst;
    let refilledAt = now();
    let lastAt = -Infinity;
    let tail: Promise<unknown> = Promise.resolve();

    async function take(): Promise<void> {
      for (;;) {
        const t = now();
        tokens = Math.min(burst, tokens + (t - refilledAt) / refillMs);
        refilledAt = t;
        // Whole milliseconds: a fractional token must not turn into an endless run of tiny waits.
        const wait = Math.ceil(Math.max(tokens >= 1 ? 0 : (1 - tokens) * refillMs, lastAt + gapMs - t));
        if (wait <= 0) break;
        await sleep(wait);
      }
      tokens = Math.max(0, tokens - 1);
      lastAt = now();
    }

    return {
      schedule(_options, job, ...args) {
        const run = tail.then(take).then(() => job(...args));
        tail = run.catch(() => undefined);
        return run;
      },
    };
  }

  return {
    key(id = "") {
      let found = limiters.get(id);
      if (!found) {
        found = limiter();
        limiters.set(id, found);
      }
      return found;
    },
  };
}
