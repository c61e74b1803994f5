import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireServiceLock, lockPath } from "../../../runner/lock/service-lock.js";
import { clearStaleLocks } from "../../../runner/pipeline/stale-locks.js";

const SERVICE_LOCK = join(process.cwd(), "runner/lock/service-lock.ts");

/** Takes the lock in a child process that then dies without releasing it (SIGKILL). */
function lockInDeadProcess(stateDir: string, service: string): void {
  const script = `import { acquireServiceLock } from ${JSON.stringify(SERVICE_LOCK)};
await acquireServiceLock(${JSON.stringify(stateDir)}, ${JSON.stringify(service)}, { runId: "dead" });
process.kill(process.pid, "SIGKILL");`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  expect(child.signal, child.stderr).toBe("SIGKILL");
}

describe("clearStaleLocks", () => {
  it("frees a lock whose owner died, and leaves one a live process holds", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "stale-locks-"));
    lockInDeadProcess(stateDir, "web");
    expect(existsSync(lockPath(stateDir, "web"))).toBe(true);
    const held = await acquireServiceLock(stateDir, "api", { runId: "live" });
    try {
      expect(await clearStaleLocks(stateDir)).toEqual(["web"]);
      expect(existsSync(lockPath(stateDir, "web"))).toBe(false);
      expect(existsSync(lockPath(stateDir, "api"))).toBe(true);
    } finally {
      held.release();
    }
  });

  it("does nothing when there is no lock folder", async () => {
    expect(await clearStaleLocks(mkdtempSync(join(tmpdir(), "stale-locks-")))).toEqual([]);
  });
});
