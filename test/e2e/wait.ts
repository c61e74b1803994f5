/** Waiting for a condition with a deadline (never a fixed sleep): the tests poll state, not time. */

export interface WaitOptions {
  timeoutMs?: number;
  /** Between checks. */
  intervalMs?: number;
  /** What was awaited, for the timeout message (a function: it can show the state at that moment). */
  what: string | (() => string);
}

/** Resolves with the first non-null value of `check`; rejects at the deadline, naming what it awaited. */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 50;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const what = typeof options.what === "function" ? options.what() : options.what;
      throw new Error(`timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
