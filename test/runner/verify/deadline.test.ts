import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DeadlineError, withDeadline } from "../../../runner/verify/deadline.js";

const DEADLINE_MODULE = fileURLToPath(new URL("../../../runner/verify/deadline.ts", import.meta.url));

/** Runs an ES module snippet in its own Node process (with tsx), so the test sees how that process ends. */
function runAlone(source: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout };
}

describe("withDeadline", () => {
  it("settles with the value when the work finishes in time", async () => {
    await expect(withDeadline("quick", 1_000, async () => 42)).resolves.toBe(42);
  });

  it("rejects at the deadline even when the work never settles, and aborts its signal", async () => {
    let seen: AbortSignal | null = null;
    const started = Date.now();
    const error = await withDeadline("GET http://x/health", 80, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe("GET http://x/health did not answer within 80 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(78);
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBe(error);
  });

  it("passes the work's own failure through", async () => {
    await expect(
      withDeadline("failing", 1_000, () => Promise.reject(new Error("ECONNREFUSED"))),
    ).rejects.toThrow("ECONNREFUSED");
  });

  it("rejects a deadline that is not a finite number >= 0", async () => {
    await expect(withDeadline("bad", Number.NaN, async () => 1)).rejects.toThrow(
      "deadline for bad must be >= 0 ms, got NaN",
    );
  });

  it("keeps the process alive while it waits (AbortSignal.timeout alone lets it exit with 13)", () => {
    // A wait on something that holds no handle, like a socket a client library has unref'd.
    const hang = "new Promise(() => {})";
    const bare = runAlone(
      `const s = AbortSignal.timeout(200); await Promise.race([${hang}, new Promise((_, r) => s.addEventListener("abort", r))]); console.log("settled");`,
    );
    expect(bare.status).toBe(13);
    expect(bare.stdout).toBe("");

    const bounded = runAlone(
      `import { withDeadline } from ${JSON.stringify(DEADLINE_MODULE)};
       await withDeadline("probe", 200, () => ${hang}).catch((e) => console.log(e.message));`,
    );
    expect(bounded.stdout.trim()).toBe("probe did not answer within 200 ms");
    expect(bounded.status).toBe(0);
  });
});
