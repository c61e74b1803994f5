import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
