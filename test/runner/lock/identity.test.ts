import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processIdentity, processStartTime } from "../../../runner/lock/identity.js";

describe("processIdentity", () => {
  it("holds this process's pid, its /proc start time and a random nonce, the same on every call", () => {
    const self = processIdentity();
    expect(self.pid).toBe(process.pid);
    expect(self.startTime).toMatch(/^\d+$/);
    expect(self.startTime).toBe(processStartTime(process.pid));
    expect(self.nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(processIdentity()).toBe(self);
  });

  it("a process started later has a later start time; a gone pid has none", () => {
    const child = spawnSync(
      process.execPath,
      ["-e", "process.stdout.write(require('fs').readFileSync('/proc/self/stat','utf8'))"],
      {
        encoding: "utf8",
      },
    );
    const fields = child.stdout.slice(child.stdout.lastIndexOf(")") + 2).split(" ");
    expect(Number(fields[19])).toBeGreaterThan(Number(processStartTime(process.pid)));
    expect(processStartTime(child.pid!)).toBeNull(); // exited and reaped
  });
});
