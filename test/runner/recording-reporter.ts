import type { DeployResult } from "../../runner/journal/events.js";
import type { DeployReporter, StepEvent } from "../../runner/pipeline/reporter.js";

/** A reporter that keeps everything it is told, for assertions. */
export function recordingReporter(): DeployReporter & {
  steps: StepEvent[];
  notes: string[];
  finished: DeployResult[];
} {
  const steps: StepEvent[] = [];
  const notes: string[] = [];
  const finished: DeployResult[] = [];
  return {
    name: "test",
    steps,
    notes,
    finished,
    step: (event) => void steps.push(event),
    note: (_runId, message) => void notes.push(message),
    finish: (result) => void finished.push(result),
  };
}
