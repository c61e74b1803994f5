import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appendEvent, createRunDir, readEvents } from "../../../runner/journal/journal-file.js";
import { markRunActive, markRunDone } from "../../../runner/pipeline/active-runs.js";
import { reconcile, recoverInterruptedRun } from "../../../runner/pipeline/reconcile.js";
import { recordingReporter } from "../recording-reporter.js";

const RUN = "20250101T000000000Z-web-0a0b0c";

/** A run of THIS process that started `prepare` and never got a result. */
function leftRun(): { stateDir: string; dir: string } {
  const stateDir = mkdtempSync(join(tmpdir(), "runner-own-"));
  const workspace = mkdtempSync(join(tmpdir(), "runner-ws-"));
  const dir = createRunDir(stateDir, RUN);
  appendEvent(dir, {
    type: "run-start",
    at: "2025-01-01T00:00:00Z",
    runId: RUN,
    service: "web",
    composeService: "web",
    ref: "main",
    workspace,
    project: "stack",
    composeFiles: [],
    flavor: "v1",
    healthUrl: null,
    timeoutMs: 1000,
    watchMs: 1000,
    pid: process.pid,
    hostname: hostname(),
    meta: {},
  });
  appendEvent(dir, { type: "step-start", at: "2025-01-01T00:00:01Z", step: "prepare" });
  return { stateDir, dir };
}

afterEach(() => markRunDone(RUN));

describe("runs of this very process", () => {
  it("reconcile leaves a run alone while it is active", async () => {
    const { stateDir, dir } = leftRun();
    markRunActive(RUN);
    const reporter = recordingReporter();
    expect(await reconcile({ stateDir, reporter })).toEqual([]);
    expect(reporter.finished).toEqual([]);
    expect(readEvents(dir).some((e) => e.type === "result")).toBe(false);
  });

  it("reconcile finishes one that is no longer active (its runDeploy threw), reporting it once", async () => {
    const { stateDir, dir } = leftRun();
    const reporter = recordingReporter();
    const outcomes = await reconcile({ stateDir, reporter });
    expect(outcomes.map((o) => [o.runId, o.action, o.result?.status])).toEqual([[RUN, "abandon", "failed"]]);
    expect(reporter.finished).toHaveLength(1);
    expect(await reconcile({ stateDir, reporter })).toEqual([]);
    expect(readEvents(dir).filter((e) => e.type === "reported")).toHaveLength(1);
  });

  it("recoverInterruptedRun names the error and the step, and does nothing for an active run", async () => {
    const { stateDir } = leftRun();
    const reporter = recordingReporter();
    markRunActive(RUN);
    expect(await recoverInterruptedRun({ stateDir, reporter, runId: RUN, error: new Error("x") })).toBeNull();
    markRunDone(RUN);
    const result = await recoverInterruptedRun({
      stateDir,
      reporter,
      runId: RUN,
      error: new Error("EIO: i/o error, write"),
    });
    expect(result?.status).toBe("failed");
    expect(result?.reason).toBe(
      "the deploy stopped with an error during 'prepare': EIO: i/o error, write; the running container was not touched",
    );
    expect(reporter.finished.map((r) => r.runId)).toEqual([RUN]);
    // Finished: a second call has nothing to do.
    expect(await recoverInterruptedRun({ stateDir, reporter, runId: RUN, error: new Error("x") })).toBeNull();
    expect(reporter.finished).toHaveLength(1);
  });
});
