/** Whether the runner is deploying a service right now: its deploy lock is held by a live owner. */
import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { lockPath } from "../lock/service-lock.js";
import { pidAlive, staleReason, type LockOwner } from "../lock/stale.js";

const LOCK_TTL_MS = 30 * 60_000;

export function isDeploying(stateDir: string, service: string, now = Date.now()): boolean {
  const path = lockPath(stateDir, service);
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false;
  }
  let owner: LockOwner | null = null;
  try {
    owner = JSON.parse(readFileSync(join(path, "owner.json"), "utf8")) as LockOwner;
  } catch {
    owner = null;
  }
  return staleReason(owner, mtime, { now, hostname: hostname(), ttlMs: LOCK_TTL_MS, pidAlive }) === null;
}
