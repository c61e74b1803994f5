import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processIdentity, processStartTime } from "../../../runner/lock/identity.js";
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

describe("staleReason with owner identities", () => {
  const self = { pid: 10, startTime: "500", nonce: "aaaa" };
  const base = { now, hostname: "h1", ttlMs: 120_000, pidAlive: () => true, self };
  it("our own pid with another nonce is an earlier process: stale; with our nonce it is us", () => {
    expect(staleReason({ ...owner, startTime: "500", nonce: "bbbb" }, now, base)).toBe(
      "owner pid 10 on h1 was an earlier process with this runner's pid (a restart reused it)",
    );
    expect(staleReason({ ...owner, startTime: "500", nonce: "aaaa" }, now, base)).toBeNull();
  });
  it("a live pid that started at another time than the owner is a reused pid: stale", () => {
    const other = { ...owner, pid: 11, startTime: "300", nonce: "cccc" };
    expect(staleReason(other, now, { ...base, startTimeOf: () => "900" })).toBe(
      "owner pid 11 on h1 has exited; pid 11 now belongs to a process started later (start time 900, owner's 300)",
    );
    expect(staleReason(other, now, { ...base, startTimeOf: () => "300" })).toBeNull();
    expect(staleReason(other, now, { ...base, startTimeOf: () => null })).toBeNull();
  });
  it("identities are not compared across hosts, and old owner files without one keep the old rules", () => {
    expect(staleReason({ ...owner, nonce: "bbbb" }, now, { ...base, hostname: "h2" })).toBeNull();
    expect(staleReason(owner, now, base)).toBeNull();
  });
});

function writeLock(state: string, record: object): void {
  mkdirSync(lockPath(state, "web"), { recursive: true });
  writeFileSync(join(lockPath(state, "web"), "owner.json"), JSON.stringify(record));
}

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
    const deadline = Date.now() + 5_000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
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
      new RegExp(
        `^service web is locked by pid ${process.pid} on ${hostname()} \\(run run-1, since [0-9T:.Z-]+\\); gave up after waiting \\d+ ms \\(limit 50 ms\\)$`,
      ),
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

  it("records this process's identity in the owner file", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const lock = await acquireServiceLock(state, "web", { runId: "run-9" });
    const written = JSON.parse(readFileSync(join(lockPath(state, "web"), "owner.json"), "utf8")) as LockOwner;
    const self = processIdentity();
    expect(written).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      runId: "run-9",
      nonce: self.nonce,
    });
    expect(written.startTime).toBe(self.startTime);
    lock.release();
    expect(existsSync(lockPath(state, "web"))).toBe(false);
  });

  it("breaks a fresh lock that has our pid but another process's identity (a restarted PID 1)", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const stamp = new Date().toISOString();
    writeLock(state, {
      pid: process.pid,
      hostname: hostname(),
      createdAt: stamp,
      updatedAt: stamp,
      runId: "run-before-restart",
      startTime: "1",
      nonce: "0123456789abcdef",
    });
    const events: string[] = [];
    const lock = await acquireServiceLock(state, "web", { waitMs: 1_000, onEvent: (m) => events.push(m) });
    expect(events).toEqual([
      `broke stale lock for web: owner pid ${process.pid} on ${hostname()} was an earlier process with this runner's pid (a restart reused it)`,
    ]);
    lock.release();
  });

  it("breaks a lock whose pid is alive but started later than the owner; waits, bounded, while it matches", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const state = mkdtempSync(join(tmpdir(), "lock-"));
      const deadline = Date.now() + 5_000;
      while (processStartTime(child.pid!) === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const started = processStartTime(child.pid!);
      expect(started).toMatch(/^\d+$/);
      const stamp = new Date().toISOString();
      const record = {
        pid: child.pid,
        hostname: hostname(),
        createdAt: stamp,
        updatedAt: stamp,
        nonce: "feedfacefeedface",
      };

      writeLock(state, { ...record, startTime: started });
      const waits: string[] = [];
      await expect(
        acquireServiceLock(state, "web", { waitMs: 100, pollMs: 10, onEvent: (m) => waits.push(m) }),
      ).rejects.toThrow(
        new RegExp(
          `^service web is locked by pid ${child.pid} on .*; gave up after waiting \\d+ ms \\(limit 100 ms\\)$`,
        ),
      );
      expect(waits).toEqual([
        `waiting for the web lock held by pid ${child.pid} on ${hostname()} (at most 100 ms)`,
      ]);

      writeLock(state, { ...record, startTime: String(Number(started) - 1) });
      const events: string[] = [];
      const lock = await acquireServiceLock(state, "web", { waitMs: 1_000, onEvent: (m) => events.push(m) });
      expect(events).toEqual([
        `broke stale lock for web: owner pid ${child.pid} on ${hostname()} has exited; pid ${child.pid} now belongs to a process started later (start time ${started}, owner's ${Number(started) - 1})`,
      ]);
      lock.release();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("every wait has a limit: without waitMs it announces the default one", async () => {
    const state = mkdtempSync(join(tmpdir(), "lock-"));
    const held = await acquireServiceLock(state, "web");
    const events: string[] = [];
    const waiting = acquireServiceLock(state, "web", { pollMs: 10, onEvent: (m) => events.push(m) });
    const deadline = Date.now() + 5_000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual([
      `waiting for the web lock held by pid ${process.pid} on ${hostname()} (at most 30 min)`,
    ]);
    held.release();
    (await waiting).release();
  });
});
