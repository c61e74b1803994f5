/**
 * The rollback's waits for a Docker daemon that went away (restarted, upgraded) during a deploy: a
 * rollback attempted without it fails for certain and can leave nothing serving, so it is waited
 * for, bounded, and a rollback it dropped halfway is started over (its steps are idempotent).
 * Time and sleeping are injected so the loop is tested without waiting.
 */

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Between two pings of a daemon that does not answer. */
export const DOCKER_PING_EVERY_MS = 1_000;

export interface DockerWait {
  /** Throws while the daemon does not answer. */
  ping(): Promise<void>;
  clock: WaitClock;
  /** Said once when the daemon is found not answering (`away`), and once when it answers again. */
  note(message: string, away: boolean): void | Promise<void>;
}

/**
 * Returns as soon as `ping` answers, or once `limitMs` has passed without an answer. Never throws:
 * when the daemon does not come back, the caller's own Docker steps fail with the reason.
 */
export async function awaitDocker(wait: DockerWait, limitMs: number): Promise<void> {
  const began = wait.clock.now();
  let noted = false;
  for (;;) {
    try {
      await wait.ping();
      if (noted) await wait.note(`Docker answers again after ${wait.clock.now() - began} ms`, false);
      return;
    } catch (error) {
      if (!noted) {
        noted = true;
        await wait.note(
          `Docker is not answering (${(error as Error).message}): waiting up to ${limitMs / 1000} s for it before rolling back`,
          true,
        );
      }
      if (wait.clock.now() - began >= limitMs) return;
      await wait.clock.sleep(DOCKER_PING_EVERY_MS);
    }
  }
}

async function answers(wait: DockerWait): Promise<boolean> {
  try {
    await wait.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `attempt` once Docker answers; when it failed and Docker no longer answers (a daemon that was
 * still shutting down answered the wait, then went away under the attempt), waits for it again and
 * runs `attempt` over, until it succeeds, fails with Docker answering, or `limitMs` has passed since
 * the first wait. Returns the last attempt's result.
 */
export async function attemptWhileDockerReturns<T extends { ok: true } | { ok: false; reason: string }>(
  wait: DockerWait,
  limitMs: number,
  attempt: () => Promise<T>,
  onRetry: (reason: string) => void | Promise<void>,
): Promise<T> {
  const began = wait.clock.now();
  for (;;) {
    await awaitDocker(wait, Math.max(0, limitMs - (wait.clock.now() - began)));
    const result = await attempt();
    if (result.ok || wait.clock.now() - began >= limitMs || (await answers(wait))) return result;
    await onRetry((result as { reason: string }).reason);
  }
}
