import type { DeployResult, StepName } from "../journal/events.js";

/** One step starting or ending; the GitHub side turns these into deployment statuses. */
export interface StepEvent {
  runId: string;
  service: string;
  step: StepName;
  phase: "start" | "end";
  at: string;
  ok?: boolean;
  durationMs?: number;
  detail?: string;
}

/**
 * Where a run's progress goes: the terminal for `deploy`, GitHub for the poller. `finish` is called
 * once per run; when it throws, the run stays unreported in the journal and `reconcile()` retries it.
 */
export interface DeployReporter {
  step(event: StepEvent): void | Promise<void>;
  /** Free-form progress (waiting for a lock, fetching, ...). */
  note(runId: string, message: string): void | Promise<void>;
  finish(result: DeployResult): void | Promise<void>;
  /** Recorded in the journal as who reported (e.g. `cli`, `github`). */
  readonly name: string;
}

export const silentReporter: DeployReporter = {
  name: "silent",
  step() {},
  note() {},
  finish() {},
};
