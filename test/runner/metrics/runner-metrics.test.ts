/**
 * Runs and steps counted from the journal as a real deploy writes it (appendEvent), on /metrics and
 * on a real StatsD socket with the documented names.
 */
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DeployResult, JournalEvent } from "../../../runner/journal/events.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import { createRunnerMetrics } from "../../../runner/metrics/runner-metrics.js";
import { createStatsd } from "../../../src/metrics/statsd.js";
import { parsePrometheusText, sampleValue } from "../../helpers/prometheus.js";
import { waitFor } from "../../e2e/wait.js";

let socket: Socket | null = null;
afterEach(() => {
  socket?.close();
  socket = null;
});

const at = "2026-05-04T10:00:00.000Z";

function result(
  status: DeployResult["status"],
  finishedAt: string,
  steps: DeployResult["steps"],
): DeployResult {
  return {
    runId: "r",
    service: "web",
    ref: "HEAD",
    targetSha: null,
    previousSha: null,
    status,
    reason: "",
    steps,
    rollbackPoint: null,
    verify: null,
    rollbackVerify: null,
    workspaceSha: null,
    artifactsDir: "",
    startedAt: at,
    finishedAt,
    durationMs: 4000,
    reconciled: false,
    meta: {},
  };
}

function run(stateDir: string, runId: string, events: JournalEvent[]) {
  const dir = createRunDir(stateDir, runId);
  for (const event of events) appendEvent(dir, event);
}

describe("runner metrics", () => {
  it("counts runs, steps (skipped too), rollbacks and MTTR; StatsD gets the documented names", async () => {
    const lines: string[] = [];
    socket = createSocket("udp4");
    socket.on("message", (m) => lines.push(m.toString()));
    await new Promise<void>((resolve) => socket!.bind(0, "127.0.0.1", () => resolve()));
    const statsd = createStatsd({
      host: "127.0.0.1",
      port: (socket.address() as AddressInfo).port,
      prefix: "orch",
    });
    const metrics = createRunnerMetrics({ statsd, defaultMetrics: false });
    const stop = metrics.observeRuns();
    const stateDir = mkdtempSync(join(tmpdir(), "runner-metrics-"));
    const start = { type: "run-start", at, runId: "x", service: "web" } as unknown as JournalEvent;
    run(stateDir, "r1", [
      start,
      { type: "step-start", at, step: "build" },
      { type: "step-end", at, step: "build", ok: false, durationMs: 1500, detail: "" },
      {
        type: "result",
        at,
        result: result("failed", "2026-05-04T10:00:04.000Z", [
          { step: "build", ok: false, durationMs: 1500, detail: "" },
        ]),
      },
    ]);
    run(stateDir, "r2", [
      start,
      { type: "step-start", at, step: "verify" },
      { type: "step-end", at, step: "verify", ok: true, durationMs: 800, detail: "" },
      { type: "result", at, result: result("success", "2026-05-04T10:10:04.000Z", []) },
    ]);
    stop();
    statsd.increment("after.stop.marker");

    const families = parsePrometheusText((await metrics.text()).body);
    expect(sampleValue(families, "orchestrator_runs_queued_total", { service: "web" })).toBe(2);
    expect(sampleValue(families, "orchestrator_runs_total", { service: "web", state: "failed" })).toBe(1);
    expect(sampleValue(families, "orchestrator_runs_total", { service: "web", state: "success" })).toBe(1);
    expect(sampleValue(families, "orchestrator_steps_total", { step: "build", outcome: "failed" })).toBe(1);
    expect(sampleValue(families, "orchestrator_steps_total", { step: "up", outcome: "skipped" })).toBe(2);
    expect(sampleValue(families, "orchestrator_step_duration_seconds_sum", { step: "build" })).toBe(1.5);
    // Failure seen at 10:00:04, verified deploy at 10:10:04.
    expect(sampleValue(families, "orchestrator_mttr_seconds_sum", { service: "web" })).toBe(600);

    await waitFor(() => lines.includes("orch.after.stop.marker:1|c"), {
      timeoutMs: 5000,
      what: "statsd lines",
    });
    for (const line of [
      "orch.runs.queued:1|c",
      "orch.runs.queued.service.web:1|c",
      "orch.steps.build.started:1|c",
      "orch.steps.build.failed:1|c",
      "orch.steps.build.duration:1500|ms",
      "orch.steps.up.skipped:1|c",
      "orch.steps.verify.succeeded:1|c",
      "orch.runs.status.failed:1|c",
      "orch.runs.status.success:1|c",
      "orch.runs.duration.success:4000|ms",
    ])
      expect(lines).toContain(line);
    statsd.close();
  });
});
