import type { DeployStatus } from "./events.js";
import type { RunView } from "./run-view.js";

/**
 * What is live per service, from the journal alone: the version that was last verified running
 * (by a deploy, or by the rollback that restored it), kept apart from the attempts that failed since.
 */

/** A version verified running, and by which run. */
export interface LiveVersion {
  sha: string | null;
  /** When that run verified it in place. */
  since: string;
  runId: string;
  /** `deploy`: the run deployed it; `rollback`: a failed run's rollback restored it. */
  via: "deploy" | "rollback";
}

/** A finished attempt that did not leave its target live. */
export interface FailedAttempt {
  runId: string;
  status: Exclude<DeployStatus, "success">;
  ref: string;
  /** Null when the run was refused before the ref was resolved. */
  sha: string | null;
  at: string;
  reason: string;
}

export interface ServiceStatus {
  service: string;
  /**
   * - `live`: `live` is running and was verified.
   * - `stopped`: a failed first deploy stopped the new container; nothing serves.
   * - `unknown`: a rollback failed; what serves was not verified.
   * - `none`: no run of this runner has verified a version yet.
   */
  state: "live" | "stopped" | "unknown" | "none";
  live: LiveVersion | null;
  /** The latest failed attempt after the live version was verified (or the one whose rollback restored it). */
  lastFailure: FailedAttempt | null;
  /** A run without a result yet (running now, or left for `reconcile`). */
  inProgress: {
    runId: string;
    ref: string;
    sha: string | null;
    step: string | null;
    startedAt: string;
  } | null;
}

/** One entry per service, in the order services first appear; `runs` oldest first. */
export function serviceStatuses(runs: RunView[]): ServiceStatus[] {
  const byService = new Map<string, ServiceStatus>();
  for (const run of runs) {
    if (!run.start) continue;
    const service = run.start.service;
    let status = byService.get(service);
    if (!status) {
      status = { service, state: "none", live: null, lastFailure: null, inProgress: null };
      byService.set(service, status);
    }
    apply(status, run);
  }
  return [...byService.values()];
}

function apply(status: ServiceStatus, run: RunView): void {
  const result = run.result;
  if (!result) {
    status.inProgress = {
      runId: run.runId,
      ref: run.start!.ref,
      sha: run.targetSha,
      step: run.openStep ?? run.startedSteps.at(-1) ?? null,
      startedAt: run.start!.at,
    };
    return;
  }
  if (status.inProgress?.runId === run.runId) status.inProgress = null;
  if (result.status === "success") {
    status.state = "live";
    status.live = { sha: result.targetSha, since: result.finishedAt, runId: run.runId, via: "deploy" };
    status.lastFailure = null;
    return;
  }
  status.lastFailure = {
    runId: run.runId,
    status: result.status,
    ref: result.ref ?? run.start!.ref,
    sha: result.targetSha,
    at: result.finishedAt,
    reason: result.reason,
  };
  if (result.status === "rolled_back") {
    status.state = "live";
    status.live = { sha: result.previousSha, since: result.finishedAt, runId: run.runId, via: "rollback" };
  } else if (result.status === "rollback_failed") {
    status.state = "unknown";
    status.live = null;
  } else if (result.status === "failed" && (result.steps ?? []).some((s) => s.step === "stop" && s.ok)) {
    status.state = "stopped";
    status.live = null;
  }
  // Other failures (build, refusal, a run abandoned before `up`) left the running container alone.
}
