import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireServiceLock, lockPath } from "../../../runner/lock/service-lock.js";
import { staleReason, type LockOwner } from "../../../runner/lock/stale.js";

const owner: LockOwner = {
  pid: 10,
  hostname: "h1",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};
const now = Date.parse("2026-01-01T00:01:00.000Z");

describe("staleReason", () => {
  it("a live owner within the TTL holds the lock", () => {
    expect(staleReason(owner, now, { now, hostname: "h1", ttlMs: 120_000, pidAlive: () => true })).toBeNull();
  });
  it("a dead pid on this host is stale; on another host the pid cannot be checked", () => {
    expect(staleReason(owner, now, { now, hostname: "h1", ttlMs: 120_000, pidAlive: () => false })).toBe(
      "owner pid 10 on h1 is not running",
    );
    expect(
      staleReason(owner, now, { now, hostname: "h2", ttlMs: 120_000, pidAlive: () => false }),
    ).toBeNull();
  });
  it("past the TTL is stale wherever the owner is", () => {
    expect(staleReason(owner, now, { now, hostname: "h2", ttlMs: 30_000, pidAlive: () => true })).toMatch(
      /last refreshed 60 s ago \(TTL 30 s\)/,
    );
  });
  it("a lock without an owner file gets a short grace period", () => {
    expect(
      staleReason(null, now - 1_000, { now, hostname: "h1", ttlMs: 60_000, pidAlive: () => true }),
    ).toBeNull();
    expect(
      staleReason(null, now - 20_000, { now, hostname: "h1", ttlMs: 60_000, pidAlive: () => true }),
    ).toMatch(/no owner file/);
  });
});

describe("acquireServiceLock", () => {
  it("is exclusive and serializes waiters", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const first = await acquireServiceLock(state, "web");
    const order: string[] = [];
    const events: string[] = [];
    const waiting = acquireServiceLock(state, "web", { pollMs: 20, onEvent: (m) => events.push(m) }).then(
      (lock) => {
        order.push("second");
        return lock;
      },
    );
    await new Promise((r) => setTimeout(r, 100));
    order.push("first releases");
    first.release();
    (await waiting).release();
    expect(order).toEqual(["first releases", "second"]);
    expect(events[0]).toMatch(new RegExp(`waiting for the web lock held by pid ${process.pid}`));
    expect(existsSync(lockPath(state, "web"))).toBe(false);
  });

  it("gives up after waitMs with a message naming the holder", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const held = await acquireServiceLock(state, "web", { runId: "run-1" });
    await expect(acquireServiceLock(state, "web", { waitMs: 50, pollMs: 10 })).rejects.toThrow(
      `service web is locked by pid ${process.pid} on ${hostname()} (run run-1); gave up after 50 ms`,
    );
    held.release();
  });

  it("breaks a lock whose owner process is dead", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!; // exited and reaped
    mkdirSync(lockPath(state, "web"), { recursive: true });
    const stamp = new Date().toISOString();
    writeFileSync(
      join(lockPath(state, "web"), "owner.json"),
      JSON.stringify({ pid: dead, hostname: hostname(), createdAt: stamp, updatedAt: stamp }),
    );
    const events: string[] = [];
    const lock = await acquireServiceLock(state, "web", { waitMs: 1_000, onEvent: (m) => events.push(m) });
    expect(events).toEqual([`broke stale lock for web: owner pid ${dead} on ${hostname()} is not running`]);
    lock.release();
  });
});
