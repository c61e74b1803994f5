import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pidAlive, staleReason, type LockOwner } from "./stale.js";

export interface LockOptions {
  /** A lock not refreshed for this long is broken (default 30 min; the holder refreshes every TTL/3). */
  ttlMs?: number;
  /** Give up waiting after this long (default: wait forever). */
  waitMs?: number;
  pollMs?: number;
  runId?: string;
  /** Called once when the lock is busy and the caller starts waiting, and whenever a stale lock is broken. */
  onEvent?: (message: string) => void;
}

export interface ServiceLock {
  readonly path: string;
  release(): void;
}

const OWNER_FILE = "owner.json";

export function lockPath(stateDir: string, service: string): string {
  return join(stateDir, "locks", `${service}.lock`);
}

/**
 * One deploy per service per host: an atomic mkdir is the lock, so two runner processes cannot both
 * win. Waiters poll; a stale lock (dead owner on this host, or past its TTL) is moved aside with an
 * atomic rename, so two waiters cannot both break it and then both take it.
 */
export async function acquireServiceLock(
  stateDir: string,
  service: string,
  options: LockOptions = {},
): Promise<ServiceLock> {
  const path = lockPath(stateDir, service);
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 200;
  const waitUntil = options.waitMs === undefined ? Infinity : Date.now() + options.waitMs;
  const host = osHostname();
  mkdirSync(join(stateDir, "locks"), { recursive: true });
  let announced = false;

  for (;;) {
    try {
      mkdirSync(path);
      const now = new Date().toISOString();
      const owner: LockOwner = {
        pid: process.pid,
        hostname: host,
        createdAt: now,
        updatedAt: now,
        runId: options.runId,
      };
      writeFileSync(join(path, OWNER_FILE), JSON.stringify(owner));
      return holdLock(path, owner, ttlMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(path);
    const mtime = safeMtime(path);
    if (mtime !== null) {
      const reason = staleReason(owner, mtime, { now: Date.now(), hostname: host, ttlMs, pidAlive });
      if (reason) {
        const aside = `${path}.stale-${process.pid}-${Date.now()}`;
        try {
          renameSync(path, aside);
          rmSync(aside, { recursive: true, force: true });
          options.onEvent?.(`broke stale lock for ${service}: ${reason}`);
        } catch {
          // Someone else broke or released it first; just try again.
        }
        continue;
      }
    }
    if (Date.now() >= waitUntil) {
      const who = owner
        ? `pid ${owner.pid} on ${owner.hostname}${owner.runId ? ` (run ${owner.runId})` : ""}`
        : "an unknown owner";
      throw new Error(`service ${service} is locked by ${who}; gave up after ${options.waitMs} ms`);
    }
    if (!announced) {
      announced = true;
      options.onEvent?.(
        `waiting for the ${service} lock held by ${owner ? `pid ${owner.pid} on ${owner.hostname}` : "another deploy"}`,
      );
    }
    await sleep(pollMs);
  }
}

function holdLock(path: string, owner: LockOwner, ttlMs: number): ServiceLock {
  const heartbeat = setInterval(
    () => {
      try {
        writeFileSync(
          join(path, OWNER_FILE),
          JSON.stringify({ ...owner, updatedAt: new Date().toISOString() }),
        );
      } catch {
        // The lock was broken under us; release() below stays safe.
      }
    },
    Math.max(1_000, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      // Only remove the lock if it is still ours.
      const current = readOwner(path);
      if (
        current &&
        current.pid === owner.pid &&
        current.hostname === owner.hostname &&
        current.createdAt === owner.createdAt
      ) {
        rmSync(path, { recursive: true, force: true });
      }
    },
  };
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(join(path, OWNER_FILE), "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

function safeMtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
