/**
 * What one journal event means for the metrics, as plain samples: runs queued, steps started and
 * ended (succeeded / failed, with durations), steps a finished run never reached (skipped), the run's
 * final state and duration, rollbacks. Pure; runner-metrics.ts feeds them to Prometheus and StatsD.
 */
import type { DeployResult, JournalEvent, StepName } from "../journal/events.js";

export type RunSample =
  | { type: "run-queued"; service: string }
  | { type: "step-started"; step: StepName }
  | { type: "step-ended"; step: StepName; outcome: "succeeded" | "failed"; durationMs: number }
  | { type: "step-skipped"; step: StepName }
  | {
      type: "run-finished";
      service: string;
      state: DeployResult["status"];
      durationMs: number;
      finishedAt: string;
    }
  | { type: "rollback"; service: string; result: "restored" | "failed" };

/** The steps of a deploy in order; a finished run that did not reach one skipped it. */
export const MAIN_STEPS: StepName[] = ["prepare", "checkout", "build", "up", "verify"];

export function runSamples(event: JournalEvent): RunSample[] {
  switch (event.type) {
    case "run-start":
      return [{ type: "run-queued", service: event.service }];
    case "step-start":
      return [{ type: "step-started", step: event.step }];
    case "step-end":
      return [
        {
          type: "step-ended",
          step: event.step,
          outcome: event.ok ? "succeeded" : "failed",
          durationMs: event.durationMs,
        },
      ];
    case "result": {
      const r = event.result;
      const reached = new Set(r.steps.map((s) => s.step));
      const samples: RunSample[] = MAIN_STEPS.filter((s) => !reached.has(s)).map((step) => ({
        type: "step-skipped" as const,
        step,
      }));
      samples.push({
        type: "run-finished",
        service: r.service,
        state: r.status,
        durationMs: r.durationMs,
        finishedAt: r.finishedAt,
      });
      if (r.status === "rolled_back")
        samples.push({ type: "rollback", service: r.service, result: "restored" });
      if (r.status === "rollback_failed")
        samples.push({ type: "rollback", service: r.service, result: "failed" });
      return samples;
    }
    default:
      return [];
  }
}
