import type { ENGINES } from "../../src/config/schema.js";
import type { DeployResult } from "../journal/events.js";
import type { RecoveryAction, RunView } from "../journal/run-view.js";
import type { DeployRequest } from "../pipeline/deploy.js";
import type { RunContext } from "../pipeline/run-context.js";

export type EngineName = (typeof ENGINES)[number];

/** How a finished-elsewhere run is picked up: by a restarted runner, or by the process whose deploy threw. */
export type RecoveryMode = "restart" | "in-process";

/**
 * One way of running a service. The pipeline (runner/pipeline/deploy.ts) does what every engine
 * shares: the lock, the journal's run-start, the artifacts, the report; the engine runs the steps in
 * between, journaling each through runStep and ending with finishRun, so that the journal, the
 * reports and the kill/reconcile guarantees are the same whatever runs the service.
 */
export interface DeployEngine {
  readonly name: EngineName;
  /** The run's steps after it is locked and journaled: prepare .. result (always finishRun). */
  deploy(ctx: RunContext, request: DeployRequest): Promise<DeployResult>;
  /**
   * Finishes one of this engine's runs from its journal (a killed runner, a deploy that threw).
   * Absent: the pipeline's own recovery (reconcile.ts, interrupted.ts), which is the compose one.
   */
  recover?(
    ctx: RunContext,
    view: RunView,
    action: Exclude<RecoveryAction, "none" | "report">,
    mode: RecoveryMode,
    why: string,
  ): Promise<DeployResult>;
}
