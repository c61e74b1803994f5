/**
 * How long the poller waits after consecutive GitHub failures. Pure: the caller supplies the random
 * number, so tests can pin it. Full jitter keeps several runners from retrying in lockstep.
 */
export interface GitHubBackoff {
  baseMs: number;
  maxMs: number;
}

export const GITHUB_BACKOFF: GitHubBackoff = { baseMs: 1_000, maxMs: 5 * 60_000 };

/** Delay after the `failures`-th consecutive failure (1-based): up to base * 2^(failures-1), capped. */
export function retryDelay(
  failures: number,
  random: number,
  backoff: GitHubBackoff = GITHUB_BACKOFF,
): number {
  if (!Number.isInteger(failures) || failures < 1)
    throw new Error(`failures must be a positive integer, got ${failures}`);
  if (!(random >= 0 && random <= 1)) throw new Error(`random must be within [0, 1], got ${random}`);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures - 1, 30));
  // Never less than half the ceiling: a failing GitHub should not be hammered at random small delays.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * Whether a GitHub error is worth retrying later: the network, 5xx, 429 and rate-limit 403s are;
 * other 4xx mean the request itself is wrong and would fail again.
 */
export function isTransient(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  // Octokit reports a request that got no answer (DNS, refused, reset, timeout) as status 500 or
  // rethrows the system error (with a `code` such as ECONNRESET); anything else without a status is a bug.
  if (typeof status !== "number") return typeof (error as { code?: unknown } | null)?.code === "string";
  if (status >= 500 || status === 429) return true;
  if (status === 403) {
    const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
    return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined;
  }
  return false;
}
