import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processStartTime } from "../../../runner/lock/identity.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import { ownedByOtherLiveProcess } from "../../../runner/lock/live-owner.js";
import { reconcile } from "../../../runner/pipeline/reconcile.js";
import { recordingReporter } from "../recording-reporter.js";

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

describe("reconcile and a run's owner", () => {
  function leftRun(stateDir: string, runId: string, owner: { pid: number; startTime: string | null }): void {
    const dir = createRunDir(stateDir, runId);
    appendEvent(dir, {
      type: "run-start",
      at: "2026-01-01T00:00:00.000Z",
      runId,
      service: "web",
      composeService: "web",
      ref: "main",
      workspace: mkdtempSync(join(tmpdir(), "owner-ws-")),
      project: "p",
      composeFiles: [],
      flavor: "v1",
      healthUrl: null,
      timeoutMs: 1000,
      watchMs: 1000,
      hostname: hostname(),
      meta: {},
      ...owner,
    });
    appendEvent(dir, { type: "step-start", at: "2026-01-01T00:00:01.000Z", step: "prepare" });
  }

  it("leaves a live runner's run alone, and finishes one whose pid now belongs to a later process", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const deadline = Date.now() + 5_000;
      while (processStartTime(child.pid!) === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const startTime = processStartTime(child.pid!)!;
      const stateDir = mkdtempSync(join(tmpdir(), "owner-"));
      leftRun(stateDir, "20260101T000000000Z-web-aaaaaa", { pid: child.pid!, startTime });
      leftRun(stateDir, "20260101T000000001Z-web-bbbbbb", {
        pid: child.pid!,
        startTime: String(Number(startTime) - 1),
      });
      const outcomes = await reconcile({ stateDir, reporter: recordingReporter() });
      expect(outcomes.map((o) => [o.runId, o.action, o.result?.status ?? o.skipped])).toEqual([
        ["20260101T000000000Z-web-aaaaaa", "none", `run is still owned by live pid ${child.pid}`],
        ["20260101T000000001Z-web-bbbbbb", "abandon", "failed"],
      ]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
