import { readFileSync } from "node:fs";

/** Who holds a service lock; written inside the lock directory right after it is created. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  createdAt: string;
  /** ISO time of the holder's last heartbeat. */
  updatedAt: string;
  runId?: string;
}

export interface StaleCheck {
  now: number;
  hostname: string;
  ttlMs: number;
  pidAlive: (pid: number) => boolean;
}

/**
 * A lock may be broken when its owner is a dead process on this host, or when its owner has not
 * refreshed it for longer than the TTL (a holder on another host, or a hung one). An owner file that
 * is missing or unreadable is judged by the lock directory's own age, because the holder may be
 * between mkdir and writing the file.
 */
export function staleReason(owner: LockOwner | null, dirMtimeMs: number, check: StaleCheck): string | null {
  if (!owner) {
    const age = check.now - dirMtimeMs;
    return age > Math.min(check.ttlMs, 10_000)
      ? `lock has no owner file and is ${Math.round(age / 1000)} s old`
      : null;
  }
  if (owner.hostname === check.hostname && !check.pidAlive(owner.pid)) {
    return `owner pid ${owner.pid} on ${owner.hostname} is not running`;
  }
  const updated = Date.parse(owner.updatedAt || owner.createdAt);
  if (Number.isNaN(updated)) return "owner file has no valid timestamp";
  const age = check.now - updated;
  if (age > check.ttlMs)
    return `owner pid ${owner.pid} on ${owner.hostname} last refreshed ${Math.round(age / 1000)} s ago (TTL ${Math.round(check.ttlMs / 1000)} s)`;
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
