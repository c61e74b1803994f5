import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describeWriteFailure } from "../journal/write-error.js";
import { processIdentity, processStartTime } from "./identity.js";
import { pidAlive, staleReason, type LockOwner } from "./stale.js";

/** How long a deploy waits for a busy service lock by default (as long as a holder may go unrefreshed). */
export const DEFAULT_LOCK_WAIT_MS = 30 * 60_000;

export interface LockOptions {
  /** A lock not refreshed for this long is broken (default 30 min; the holder refreshes every TTL/3). */
  ttlMs?: number;
  /** Give up waiting after this long (default DEFAULT_LOCK_WAIT_MS; every wait has a limit). */
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

/** "pid 7 on host (run R, since T)" */
export function describeOwner(owner: LockOwner | null): string {
  if (!owner) return "an unknown owner (no readable owner file)";
  const details = [owner.runId ? `run ${owner.runId}` : "", owner.createdAt ? `since ${owner.createdAt}` : ""]
    .filter(Boolean)
    .join(", ");
  return `pid ${owner.pid} on ${owner.hostname}${details ? ` (${details})` : ""}`;
}

function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * One deploy per service per host: an atomic mkdir is the lock, so two runner processes cannot both
 * win. Waiters poll, up to `waitMs`; a stale lock (owner gone from this host, or past its TTL) is
 * moved aside with an atomic rename, so two waiters cannot both break it and then both take it.
 */
export async function acquireServiceLock(
  stateDir: string,
  service: string,
  options: LockOptions = {},
): Promise<ServiceLock> {
  const path = lockPath(stateDir, service);
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 200;
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const began = Date.now();
  const host = osHostname();
  const self = processIdentity();
  mkdirSync(join(stateDir, "locks"), { recursive: true });
  let announced = false;

  for (;;) {
    try {
      mkdirSync(path);
      const now = new Date().toISOString();
      const owner: LockOwner = {
        pid: self.pid,
        hostname: host,
        createdAt: now,
        updatedAt: now,
        runId: options.runId,
        startTime: self.startTime,
        nonce: self.nonce,
      };
      writeOwner(path, owner, service);
      return holdLock(path, owner, ttlMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(path);
    const mtime = safeMtime(path);
    if (mtime !== null) {
      const reason = staleReason(owner, mtime, {
        now: Date.now(),
        hostname: host,
        ttlMs,
        pidAlive,
        self,
        startTimeOf: processStartTime,
      });
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
    const waited = Date.now() - began;
    if (waited >= waitMs) {
      throw new Error(
        `service ${service} is locked by ${describeOwner(owner)}; gave up after waiting ${duration(waited)} (limit ${duration(waitMs)})`,
      );
    }
    if (!announced) {
      announced = true;
      options.onEvent?.(
        `waiting for the ${service} lock held by ${owner ? `pid ${owner.pid} on ${owner.hostname}` : "another deploy"} (at most ${duration(waitMs)})`,
      );
    }
    await sleep(Math.max(1, Math.min(pollMs, waitMs - waited)));
  }
}

/** Writes the owner file of a lock just taken; if that fails (full disk), the lock is given back. */
function writeOwner(path: string, owner: LockOwner, service: string): void {
  try {
    writeFileSync(join(path, OWNER_FILE), JSON.stringify(owner));
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(
      `cannot take the ${service} lock: writing ${join(path, OWNER_FILE)} failed: ${describeWriteFailure(error)}`,
      { cause: error },
    );
  }
}

function holdLock(path: string, owner: LockOwner, ttlMs: number): ServiceLock {
  const heartbeat = setInterval(
    () => {
      // Write beside and rename over, so that a reader never sees a half-written owner file.
      const next = join(path, `${OWNER_FILE}.next`);
      try {
        if (!isOurs(readOwner(path), owner)) return;
        writeFileSync(next, JSON.stringify({ ...owner, updatedAt: new Date().toISOString() }));
        renameSync(next, join(path, OWNER_FILE));
      } catch {
        // The lock was broken under us, or the disk is full; release() below stays safe.
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
      if (isOurs(readOwner(path), owner)) rmSync(path, { recursive: true, force: true });
    },
  };
}

function isOurs(current: LockOwner | null, owner: LockOwner): boolean {
  return (
    !!current &&
    current.pid === owner.pid &&
    current.hostname === owner.hostname &&
    current.createdAt === owner.createdAt &&
    current.nonce === owner.nonce
  );
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
