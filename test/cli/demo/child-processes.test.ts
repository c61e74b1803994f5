import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { descendants, parentOf } from "../../../src/cli/demo/child-processes.js";

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("parentOf", () => {
  it("reads the parent pid after a command name holding spaces and parentheses", () => {
    expect(parentOf("4242 (my (odd) cmd) S 17 4242 4242 0 -1")).toBe(17);
    expect(parentOf("4242 (sh) Z 17 4242")).toBeNull();
    expect(parentOf(null)).toBeNull();
  });
});

describe("descendants (Linux /proc)", () => {
  it("finds children and grandchildren, and none once they exited", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { stdio: "ignore" });
    try {
      await until(() => descendants(child.pid!).length === 2);
      const found = descendants();
      expect(found).toContain(child.pid);
      for (const grandchild of descendants(child.pid!)) expect(found).toContain(grandchild);
    } finally {
      for (const pid of descendants(child.pid!)) process.kill(pid, "SIGKILL");
      child.kill("SIGKILL");
    }
    await until(() => !descendants().includes(child.pid!));
    expect(descendants(child.pid!)).toEqual([]);
  });
});
