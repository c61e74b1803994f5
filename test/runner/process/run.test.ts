import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pidAlive } from "../../../runner/lock/stale.js";
import { run } from "../../../runner/process/run.js";

describe("run", () => {
  it("runs argv without a shell and returns exit code and both streams", async () => {
    const result = await run([
      process.execPath,
      "-e",
      "process.stdout.write('out $HOME'); process.stderr.write('err'); process.exit(3)",
    ]);
    expect(result).toEqual({ exitCode: 3, stdout: "out $HOME", stderr: "err" });
  });

  it("shell metacharacters in arguments stay literal", async () => {
    const result = await run(["echo", "a; rm -rf /tmp/nothing && echo b", "$(id)"]);
    expect(result.stdout).toBe("a; rm -rf /tmp/nothing && echo b $(id)\n");
  });

  it("streams redacted output to the log file and reports the child pid", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-"));
    const log = join(dir, "build.log");
    const token = `ghp_${"x".repeat(36)}`;
    let pid = 0;
    const result = await run(
      [process.execPath, "-e", `console.log('token ${token}'); console.error('done')`],
      { logFile: log, onSpawn: (p) => (pid = p) },
    );
    expect(result.exitCode).toBe(0);
    expect(pid).toBeGreaterThan(0);
    const text = readFileSync(log, "utf8");
    expect(text).toContain("token ***");
    expect(text).toContain("done");
    expect(text).toContain("[exit 0]");
    expect(text).not.toContain(token);
  });

  it("a missing program is exit 127 with a reason, not a throw", async () => {
    const result = await run(["definitely-not-a-program-xyz"]);
    expect(result.exitCode).toBe(127);
    expect(result.spawnError).toMatch(/cannot start definitely-not-a-program-xyz: .*ENOENT/);
  });
});

describe("run output handling", () => {
  it("writes \\r progress redraws as separate log lines and cuts an overlong line with a marker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-"));
    const log = join(dir, "build.log");
    const script =
      "process.stdout.write('10%\\r20%\\r\\n'); process.stdout.write('x'.repeat(5000)); process.stdout.write('\\ndone\\n')";
    const result = await run([process.execPath, "-e", script], { logFile: log, maxLineLength: 1000 });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(log, "utf8").split("\n").slice(1)).toEqual([
      "10%",
      "20%",
      `${"x".repeat(1000)} [line cut at 1000 characters: 4000 more dropped]`,
      "done",
      "[exit 0]",
      "",
    ]);
    // The in-memory copy is the raw output.
    expect(result.stdout).toBe(`10%\r20%\r\n${"x".repeat(5000)}\ndone\n`);
  });

  it("a log file that cannot be written does not crash or hang the run; the output is still returned", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-"));
    const result = await run([process.execPath, "-e", "console.log('hello')"], {
      logFile: join(dir, "no-such-dir", "build.log"),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("hello\n");
    expect(result.logError).toMatch(/cannot write .*no-such-dir\/build\.log: ENOENT/);
  });

  it("keeps the last 256 KiB of a stream in memory", async () => {
    const script = "for (let i = 0; i < 40; i++) process.stdout.write(String(i % 10).repeat(16384))";
    const result = await run([process.execPath, "-e", script]);
    expect(result.stdout).toHaveLength(256 * 1024);
    expect(result.stdout.endsWith("9".repeat(16384))).toBe(true);
    expect(result.stdout.startsWith("4".repeat(16384))).toBe(true);
  });

  it("an onSpawn hook that throws kills the child and rejects with the hook's error", async () => {
    let pid = 0;
    await expect(
      run([process.execPath, "-e", "setTimeout(() => {}, 60000)"], {
        onSpawn: (p) => {
          pid = p;
          throw new Error("journal full");
        },
      }),
    ).rejects.toThrow("journal full");
    expect(pid).toBeGreaterThan(0);
    expect(pidAlive(pid)).toBe(false); // rejected only after the child was gone
  });
});
