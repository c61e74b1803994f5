/** The journal of one run: append-only JSON lines, written (and fsync'd) before each step starts. */
import type { DeployOutcome } from "../../contract/outcome.js";
import type { VerifyCause } from "../../contract/verification.js";

export type StepName =
  | "prepare"
  | "checkout"
  | "build"
  /** swarm: the built image is pushed to the configured registry. */
  | "push"
  | "up"
  | "verify"
  | "rollback-tag"
  | "rollback-up"
  | "rollback-verify"
  /** A failed first deploy: nothing to roll back to, so the new container is stopped. */
  | "stop"
  | "restore-workspace"
  /** start-first: the new container next to the old one(s), its verification, the switch-over. */
  | "scale-up"
  | "verify-new"
  /** start-first: the verified new container(s) join the service's DNS aliases (hidden until then). */
  | "join-new"
  | "drain-old"
  | "remove-old"
  /** start-first: a new container that failed (or was never verified) is removed; the old one serves on. */
  | "remove-new";

/** How a run ended; the reporter writes it in the final deployment status (contract/outcome.ts). */
export type DeployStatus = DeployOutcome;

export interface RollbackPoint {
  containerId: string;
  imageId: string;
  /** The reference the service's image is known by; rollback points it back at `imageId`. */
  imageName: string;
}

export interface StepTiming {
  step: StepName;
  ok: boolean;
  durationMs: number;
  detail: string;
}

export interface ProbeSummary {
  ok: boolean;
  phase: string;
  reason: string;
  /** Why it failed (contract/verification.ts; absent when it passed, and in older journals). */
  cause?: VerifyCause;
  /** Whether the container itself was seen stopped or restarting (absent when it passed, and in older journals). */
  crashed?: boolean;
  probes: Array<{ at: string; kind: string; ok: boolean; detail: string; restartCount?: number }>;
  /** The container's last log lines when verification failed, redacted (absent in older journals). */
  logsTail?: string;
  /** Start phase (until healthy) and watch window durations; absent in older journals. */
  startMs?: number;
  watchMs?: number;
}

export interface DeployResult {
  runId: string;
  service: string;
  ref: string;
  targetSha: string | null;
  previousSha: string | null;
  status: DeployStatus;
  reason: string;
  steps: StepTiming[];
  rollbackPoint: RollbackPoint | null;
  verify: ProbeSummary | null;
  rollbackVerify: ProbeSummary | null;
  /** Where the workspace HEAD was left. */
  workspaceSha: string | null;
  artifactsDir: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** True when a restarted runner finished this run from its journal. */
  reconciled: boolean;
  /** Caller-supplied data (e.g. the GitHub deployment id), carried through unchanged. */
  meta: Record<string, unknown>;
}

export interface RunStart {
  type: "run-start";
  at: string;
  runId: string;
  service: string;
  composeService: string;
  ref: string;
  workspace: string;
  project: string;
  composeFiles: string[];
  flavor: "v1" | "v2";
  /** How the service runs: `compose` (absent in older journals) or `swarm` (runner/engine). */
  engine?: "compose" | "swarm";
  healthUrl: string | null;
  timeoutMs: number;
  watchMs: number;
  pid: number;
  hostname: string;
  /** The runner's /proc start time, so that a later process with the same pid is not taken for it. */
  startTime?: string | null;
  meta: Record<string, unknown>;
}

/** What a start-first run needs to finish its switch in another process. */
export interface SwitchPlanRecord {
  drainMs: number;
  preStop: string[] | null;
  stopGraceS: number;
}

/** Journal events only a start-first deploy writes (the recreate path never does). */
export const SWITCH_EVENT_TYPES = [
  "switch-plan",
  "new-container",
  "new-verified",
  "old-removed",
  "new-removed",
] as const;

/** Journal events only the swarm engine writes (a compose deploy never does). */
export const SWARM_EVENT_TYPES = ["swarm-target"] as const;

export type JournalEvent =
  | RunStart
  | {
      type: "resolved";
      at: string;
      targetSha: string;
      previousSha: string;
      workspaceHeadBefore: string;
      /** The image reference Compose builds and runs for the service. */
      serviceImage: string;
      /** The compose files in use (explicit ones, or the default name found at the target). */
      composeFiles: string[];
    }
  | { type: "rollback-point"; at: string; point: RollbackPoint | null }
  | { type: "step-start"; at: string; step: StepName }
  | { type: "process"; at: string; step: StepName; pid: number }
  | {
      type: "step-end";
      at: string;
      step: StepName;
      ok: boolean;
      durationMs: number;
      detail: string;
      imageId?: string;
    }
  /** start-first: journaled before the scale-up; the containers that served before it. */
  | { type: "switch-plan"; at: string; oldContainers: string[]; scale: number; plan: SwitchPlanRecord }
  | { type: "new-container"; at: string; containerId: string }
  /** The new container passed verification alone: from here a restarted runner finishes the switch. */
  | { type: "new-verified"; at: string; containerId: string }
  | { type: "old-removed"; at: string; containerIds: string[] }
  | { type: "new-removed"; at: string; containerIds: string[] }
  /** swarm: journaled before `up`; the service, the image it ran and the one this run deploys. */
  | {
      type: "swarm-target";
      at: string;
      swarmService: string;
      previousImage: string | null;
      image: string;
      /** `stack-deploy` (the stack file changed, or a first deploy) or `service-update`. */
      method: "stack-deploy" | "service-update";
    }
  | { type: "result"; at: string; result: DeployResult }
  | { type: "reported"; at: string; via: string };
