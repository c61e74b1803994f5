/**
 * Bounded waits. `AbortSignal.timeout` and sockets a client library unrefs do not keep Node's event
 * loop alive: a probe that hangs on such a socket lets the process exit mid-deploy (code 13, the
 * top-level await never settles). Every wait here holds a referenced timer until it settles.
 */

export class DeadlineError extends Error {
  override readonly name = "DeadlineError";
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

/**
 * Runs `fn` with a signal that aborts after `ms`, and rejects with DeadlineError at `ms` even when
 * `fn` ignores the signal. The timer is referenced, so the process stays alive while it waits.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new Error(`deadline for ${what} must be >= 0 ms, got ${ms}`);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(what, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
