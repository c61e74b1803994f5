import type {
  DeployResult,
  DeployStatus,
  JournalEvent,
  RollbackPoint,
  RunStart,
  StepName,
  SwitchPlanRecord,
  StepTiming,
} from "./events.js";

/** What the journal says about one run: the basis of `status`, `runs` and recovery. */
export interface RunView {
  runId: string;
  start: RunStart | null;
  targetSha: string | null;
  previousSha: string | null;
  workspaceHeadBefore: string | null;
  serviceImage: string | null;
  composeFiles: string[] | null;
  rollbackPoint: RollbackPoint | null | undefined;
  /** Image id the build produced, when the build finished. */
  builtImageId: string | null;
  startedSteps: StepName[];
  endedSteps: StepTiming[];
  /** The step that was started last and has not ended. */
  openStep: StepName | null;
  /** Child processes (compose) started per step; a restarted runner waits for them. */
  processes: Array<{ step: StepName; pid: number }>;
  /** A start-first switch, when the run began one. */
  switch: SwitchView | null;
  result: DeployResult | null;
  reported: boolean;
  state: "running" | "finished" | "reported";
  status: DeployStatus | "in progress";
}

export interface SwitchView {
  oldContainers: string[];
  plan: SwitchPlanRecord;
  newContainer: string | null;
  verified: boolean;
  oldRemoved: boolean;
  newRemoved: boolean;
}

export function viewRun(runId: string, events: JournalEvent[]): RunView {
  const view: RunView = {
    runId,
    start: null,
    targetSha: null,
    previousSha: null,
    workspaceHeadBefore: null,
    serviceImage: null,
    composeFiles: null,
    rollbackPoint: undefined,
    builtImageId: null,
    startedSteps: [],
    endedSteps: [],
    openStep: null,
    processes: [],
    switch: null,
    result: null,
    reported: false,
    state: "running",
    status: "in progress",
  };
  for (const event of events) {
    switch (event.type) {
      case "run-start":
        view.start = event;
        break;
      case "resolved":
        view.targetSha = event.targetSha;
        view.previousSha = event.previousSha;
        view.workspaceHeadBefore = event.workspaceHeadBefore;
        view.serviceImage = event.serviceImage;
        view.composeFiles = event.composeFiles;
        break;
      case "rollback-point":
        view.rollbackPoint = event.point;
        break;
      case "step-start":
        view.startedSteps.push(event.step);
        view.openStep = event.step;
        break;
      case "process":
        view.processes.push({ step: event.step, pid: event.pid });
        break;
      case "step-end":
        view.endedSteps.push({
          step: event.step,
          ok: event.ok,
          durationMs: event.durationMs,
          detail: event.detail,
        });
        if (view.openStep === event.step) view.openStep = null;
        if (event.step === "build" && event.imageId) view.builtImageId = event.imageId;
        break;
      case "switch-plan":
        view.switch = {
          oldContainers: event.oldContainers,
          plan: event.plan,
          newContainer: null,
          verified: false,
          oldRemoved: false,
          newRemoved: false,
        };
        break;
      case "new-container":
        if (view.switch) view.switch.newContainer = event.containerId;
        break;
      case "new-verified":
        if (view.switch) view.switch.verified = true;
        break;
      case "old-removed":
        if (view.switch) view.switch.oldRemoved = true;
        break;
      case "new-removed":
        if (view.switch) view.switch.newRemoved = true;
        break;
      case "result":
        view.result = event.result;
        view.status = event.result.status;
        view.targetSha ??= event.result.targetSha;
        break;
      case "reported":
        view.reported = true;
        break;
    }
  }
  view.state = view.reported ? "reported" : view.result ? "finished" : "running";
  return view;
}

/**
 * What a restarted runner must do with a run, decided from the journal alone:
 * - `none`: reported already.
 * - `report`: finished, but the report did not go out.
 * - `abandon`: stopped before `up` started: the running container was never touched; put the
 *   workspace back and report a failure.
 * - `settle`: stopped after `up` started: verify what is running now; keep it if it is the new image
 *   and healthy, else roll back.
 * - `rollback`: stopped during the rollback (or while stopping a failed first deploy): do it again
 *   (every rollback step is idempotent).
 * - `switch`: stopped during a start-first switch: finish it when the new container was verified
 *   (remove the old one), else remove the new one (the old one never stopped).
 */
export type RecoveryAction = "none" | "report" | "abandon" | "settle" | "rollback" | "switch";

export function recoveryAction(view: RunView): RecoveryAction {
  if (view.reported) return "none";
  if (view.result) return "report";
  if (view.switch) return "switch";
  const started = new Set(view.startedSteps);
  if (
    started.has("rollback-tag") ||
    started.has("rollback-up") ||
    started.has("rollback-verify") ||
    started.has("stop")
  )
    return "rollback";
  if (started.has("up")) return "settle";
  return "abandon";
}
