import { readFileSync } from "node:fs";
import type { ProcessIdentity } from "./identity.js";

/** Who holds a service lock; written inside the lock directory right after it is created. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  createdAt: string;
  /** ISO time of the holder's last heartbeat. */
  updatedAt: string;
  runId?: string;
  /** The holder's start time (/proc/<pid>/stat); absent in locks written by older runners. */
  startTime?: string | null;
  /** The holder's random per-process id; absent in locks written by older runners. */
  nonce?: string;
}

export interface StaleCheck {
  now: number;
  hostname: string;
  ttlMs: number;
  pidAlive: (pid: number) => boolean;
  /** The checking process (default: none, so only pid liveness and the TTL count). */
  self?: ProcessIdentity;
  /** Start time of a live pid on this host, or null when unknown. */
  startTimeOf?: (pid: number) => string | null;
}

/**
 * A lock may be broken when its owner is gone from this host: its pid is dead, or the pid is alive
 * but belongs to another process (this very process when the nonce differs, or a process that started
 * at another time: a restarted runner that got the same pid). Also when the owner has not refreshed
 * it for longer than the TTL (a holder on another host, or a hung one). An owner file that is missing
 * or unreadable is judged by the lock directory's own age, because the holder may be between mkdir
 * and writing the file.
 */
export function staleReason(owner: LockOwner | null, dirMtimeMs: number, check: StaleCheck): string | null {
  if (!owner) {
    const age = check.now - dirMtimeMs;
    return age > Math.min(check.ttlMs, 10_000)
      ? `lock has no owner file and is ${Math.round(age / 1000)} s old`
      : null;
  }
  const who = `owner pid ${owner.pid} on ${owner.hostname}`;
  if (owner.hostname === check.hostname) {
    if (!check.pidAlive(owner.pid)) return `${who} is not running`;
    const self = check.self;
    if (self && owner.nonce !== undefined && owner.pid === self.pid && owner.nonce !== self.nonce)
      return `${who} was an earlier process with this runner's pid (a restart reused it)`;
    if (self && owner.startTime && owner.pid !== self.pid) {
      const started = check.startTimeOf?.(owner.pid) ?? null;
      if (started !== null && started !== owner.startTime)
        return `${who} has exited; pid ${owner.pid} now belongs to a process started later (start time ${started}, owner's ${owner.startTime})`;
    }
  }
  const updated = Date.parse(owner.updatedAt || owner.createdAt);
  if (Number.isNaN(updated)) return "owner file has no valid timestamp";
  const age = check.now - updated;
  if (age > check.ttlMs)
    return `${who} last refreshed ${Math.round(age / 1000)} s ago (TTL ${Math.round(check.ttlMs / 1000)} s)`;
  return null;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0 but is dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): trust the signal
  }
}
