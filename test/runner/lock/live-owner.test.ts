import { spawn, spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { processStartTime } from "../../../runner/lock/identity.js";
import { ownedByOtherLiveProcess } from "../../../runner/lock/live-owner.js";

describe("ownedByOtherLiveProcess", () => {
  it("is true for another live process of this host whose start time matches, false once its pid means someone else", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const deadline = Date.now() + 5_000;
      while (processStartTime(child.pid!) === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const startTime = processStartTime(child.pid!);
      expect(startTime).toMatch(/^\d+$/);
      const record = { pid: child.pid!, hostname: hostname() };
      expect(ownedByOtherLiveProcess({ ...record, startTime })).toBe(true);
      expect(ownedByOtherLiveProcess(record)).toBe(true); // older records: the pid alone
      expect(ownedByOtherLiveProcess({ ...record, startTime: String(Number(startTime) - 1) })).toBe(false);
      expect(ownedByOtherLiveProcess({ ...record, hostname: `${hostname()}-elsewhere`, startTime })).toBe(
        false,
      );
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("is false for this process and for a dead pid", () => {
    expect(ownedByOtherLiveProcess({ pid: process.pid, hostname: hostname() })).toBe(false);
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    expect(ownedByOtherLiveProcess({ pid: dead, hostname: hostname() })).toBe(false);
  });
});
