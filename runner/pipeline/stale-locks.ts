import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { acquireServiceLock, lockPath } from "../lock/service-lock.js";

/**
 * Frees every service lock whose owner is gone (a runner killed after it had finished its run, so
 * reconcile found nothing to do for it). Taking a lock breaks a stale one; a lock that a live runner
 * holds is left alone (the zero wait gives up at once).
 */
export async function clearStaleLocks(stateDir: string): Promise<string[]> {
  const dir = dirname(lockPath(stateDir, "x"));
  if (!existsSync(dir)) return [];
  const freed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".lock")) continue;
    const service = name.slice(0, -".lock".length);
    try {
      const lock = await acquireServiceLock(stateDir, service, { waitMs: 0, pollMs: 1 });
      lock.release();
      freed.push(service);
    } catch {
      // Held by a live runner: not ours to touch.
    }
  }
  return freed;
}
