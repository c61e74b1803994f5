import { setTimeout as sleep } from "node:timers/promises";
import { redact } from "../../../src/redact/redactor.js";
import { retryDelay, type GitHubBackoff } from "../github-backoff.js";
import { errorMessage } from "../../../github/errors.js";
import type { RunnerLog } from "../log.js";
import type { Poller } from "./poller.js";
import type { RunnerHealth } from "../../status/status-api.js";

export interface PollLoopOptions {
  intervalMs: number;
  log: RunnerLog;
  /** Aborted on SIGTERM/SIGINT: the wait ends at once; a deploy in progress finishes first. */
  signal: AbortSignal;
  backoff?: GitHubBackoff;
  random?: () => number;
  /** Updated after every pass, for the status API's `/health`. */
  health?: RunnerHealth;
}

/**
 * Polls until stopped: the normal interval after a good pass, a growing (jittered) delay while GitHub
 * keeps failing. A failing pass never stops the loop; everything it left undone is in the journal.
 */
export async function pollLoop(poller: Poller, options: PollLoopOptions): Promise<void> {
  const random = options.random ?? Math.random;
  let failures = 0;
  while (!options.signal.aborted && !poller.stopping) {
    let delay = options.intervalMs;
    try {
      const summary = await poller.pass();
      if (failures > 0) options.log.info({ failures }, "GitHub reachable again");
      failures = 0;
      if (options.health)
        Object.assign(options.health, { lastPassAt: new Date().toISOString(), failures: 0, lastError: null });
      if (
        summary.deployed.length +
          summary.superseded.length +
          summary.rejected.length +
          summary.reported.length >
        0
      ) {
        options.log.info({ ...summary }, "poll pass done");
      } else {
        options.log.debug({ notModified: summary.notModified }, "nothing to do");
      }
    } catch (error) {
      failures += 1;
      delay = retryDelay(failures, random(), options.backoff);
      if (options.health) Object.assign(options.health, { failures, lastError: redact(errorMessage(error)) });
      options.log.warn(
        { failures, retryInMs: delay, err: redact(errorMessage(error)) },
        "poll pass failed; retrying with backoff",
      );
    }
    if (options.signal.aborted || poller.stopping) break;
    await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
