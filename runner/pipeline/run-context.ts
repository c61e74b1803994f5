import type { SimpleGit } from "simple-git";
import type { ComposeTarget } from "../compose/argv.js";
import type { DockerOps } from "../docker/docker-ops.js";
import type { ContainerSnapshot } from "../docker/snapshot.js";
import type { DeployResult, RollbackPoint, RunStart, StepTiming } from "../journal/events.js";
import type { StrategyPlan } from "../strategy/plan.js";
import type { WaitClock } from "./docker-wait.js";
import type { DeployReporter } from "./reporter.js";

/** Everything one run's steps need; built by runDeploy, or rebuilt from the journal by reconcile. */
export interface RunContext {
  runId: string;
  dir: string;
  start: RunStart;
  compose: ComposeTarget;
  docker: DockerOps;
  reporter: DeployReporter;
  git: SimpleGit;
  env: NodeJS.ProcessEnv;
  steps: StepTiming[];
  startedAt: number;
  targetSha: string | null;
  previousSha: string | null;
  workspaceHeadBefore: string | null;
  /** The branch checked out before the run (null: detached); a restore goes back onto it. */
  workspaceBranchBefore?: string | null;
  serviceImage: string | null;
  rollbackPoint: RollbackPoint | null;
  /**
   * The rollback point's container as it was created, taken just before `up` (memory only: it holds
   * the container's environment). Without it (a restarted runner) a rollback goes through Compose.
   */
  rollbackSnapshot?: ContainerSnapshot | null;
  reconciled: boolean;
  /** Time and sleep for the rollback's waits for Docker (absent: the real clock; tests inject one). */
  clock?: WaitClock;
  /** How the running container is replaced (decided in prepare; absent: recreate). */
  strategy?: StrategyPlan;
}

export type ResultFields = Pick<DeployResult, "status" | "reason"> &
  Partial<Pick<DeployResult, "verify" | "rollbackVerify" | "workspaceSha">>;
