import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLine, progressReporter } from "../../src/cli/deploy-progress.js";
import { runDir } from "../../runner/journal/journal-file.js";

const stateDir = mkdtempSync(join(tmpdir(), "orch-progress-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const event = (phase: "start" | "end") => ({
  runId: "r1",
  service: "shop",
  step: "build" as const,
  phase,
  at: new Date().toISOString(),
  ...(phase === "end" ? { ok: true, durationMs: 1200, detail: "built shop" } : {}),
});

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { write: (t: string) => writes.push(t), isTTY, columns: 60 } };
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("lastLine", () => {
  it("returns the last non-empty line without colour codes, and '' for a missing file", () => {
    const path = join(stateDir, "log");
    writeFileSync(path, "Step 1/9 : FROM x\n\x1b[91mStep 5/9 : RUN cc\x1b[0m\n\n");
    expect(lastLine(path)).toBe("Step 5/9 : RUN cc");
    expect(lastLine(join(stateDir, "missing"))).toBe("");
  });
});

describe("progressReporter", () => {
  it("prints plain start and end lines when the output is not a terminal", async () => {
    const s = sink(false);
    const reporter = progressReporter(s.out, stateDir, { tickMs: 5 });
    reporter.step(event("start"));
    reporter.step(event("end"));
    reporter.stop();
    expect(s.writes.join("")).toBe("  -> build\n     build ok (1.2 s): built shop\n");
  });

  it("on a terminal redraws the running step with its elapsed time and the last log line", async () => {
    const dir = runDir(stateDir, "r1");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "build.log"), "Sending build context\nStep 3/9 : RUN apk add --no-cache make\n");
    const s = sink(true);
    const reporter = progressReporter(s.out, stateDir, { tickMs: 5 });
    reporter.step(event("start"));
    await until(() => s.writes.some((w) => w.startsWith("\r\x1b[2K") && w.includes("Step 3/9")));
    reporter.step(event("end"));
    const live = s.writes.find((w) => w.includes("Step 3/9"))!;
    expect(live).toMatch(/^\r\x1b\[2K {5}build \d+ ms {2}Step 3\/9 : RUN apk/);
    expect(live.length).toBeLessThanOrEqual("\r\x1b[2K".length + 59);
    // The end line clears the live line first.
    expect(s.writes.at(-2)).toBe("\r\x1b[2K");
    expect(s.writes.at(-1)).toBe("     build ok (1.2 s): built shop\n");
    const count = s.writes.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(s.writes.length).toBe(count);
  });
});

describe("progressReporter finish", () => {
  it("prints the caller's rendering of the result, after clearing a live line", () => {
    const s = sink(false);
    const reporter = progressReporter(s.out, stateDir, {
      indent: "",
      finish: (result) => `done ${result.service} ${result.status}\n`,
    });
    reporter.finish({ service: "shop", status: "success" } as Parameters<typeof reporter.finish>[0]);
    expect(s.writes.join("")).toBe("done shop success\n");
  });
});
