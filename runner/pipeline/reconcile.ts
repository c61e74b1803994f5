import { setTimeout as sleep } from "node:timers/promises";
import { createDockerOps, type DockerOps } from "../docker/docker-ops.js";
import type { DeployResult } from "../journal/events.js";
import { readEvents, runDir } from "../journal/journal-file.js";
import { allRuns } from "../journal/history.js";
import { recoveryAction, viewRun, type RunView } from "../journal/run-view.js";
import { acquireServiceLock } from "../lock/service-lock.js";
import { ownedByOtherLiveProcess } from "../lock/live-owner.js";
import { pidAlive } from "../lock/stale.js";
import { appendArtifact } from "../artifacts/artifacts.js";
import { openWorkspace } from "../workspace/git-workspace.js";
import { silentReporter, type DeployReporter } from "./reporter.js";
import type { RunContext } from "./run-context.js";
import { isRunActive } from "./active-runs.js";
import { finishInterrupted } from "./interrupted.js";
import { abandonRun } from "./abandon.js";
import { clearStaleLocks } from "./stale-locks.js";
import { settleSwitch } from "../strategy/start-first.js";
import { finishRun, reportResult, rollback, verifyStep } from "./steps.js";
import { keepIfVerified } from "./settle-after-restart.js";
import { engineOfRun, loadEngine } from "../engine/registry.js";

export interface ReconcileOptions {
  stateDir: string;
  reporter?: DeployReporter;
  docker?: DockerOps;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for a compose process the dead runner left behind (default 120 s). */
  orphanWaitMs?: number;
}

export interface ReconcileOutcome {
  runId: string;
  action: ReturnType<typeof recoveryAction>;
  result: DeployResult | null;
  /** Why nothing was done (run owned by a live runner, ...). */
  skipped?: string;
}

/**
 * Finishes every run a killed runner left behind, from its journal alone, and reports each result
 * once. Call it when the runner starts (the CLI does before `deploy`; the poller before polling).
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileOutcome[]> {
  const reporter = options.reporter ?? silentReporter;
  const outcomes: ReconcileOutcome[] = [];
  for (const listed of allRuns(options.stateDir)) {
    if (recoveryAction(listed) === "none" || !listed.start) continue;
    const start = listed.start;
    if (ownedByOtherLiveProcess(start)) {
      outcomes.push({
        runId: listed.runId,
        action: "none",
        result: null,
        skipped: `run is still owned by live pid ${start.pid}`,
      });
      continue;
    }
    // Our own run still in progress. One with our pid that is not active was left by a runDeploy
    // that threw (its in-process finish failed too): finish it like a dead runner's.
    if (start.pid === process.pid && isRunActive(listed.runId)) continue;
    const lock = await acquireServiceLock(options.stateDir, start.service, { runId: listed.runId });
    try {
      // Re-read under the lock: another reconciler may have finished it meanwhile.
      const view = viewRun(listed.runId, readEvents(runDir(options.stateDir, listed.runId)));
      const action = recoveryAction(view);
      if (action === "none") continue;
      const result = await recoverRun(view, action, options, reporter);
      outcomes.push({ runId: view.runId, action, result });
    } finally {
      lock.release();
    }
  }
  // A runner killed after its last journal event (the report) still held the lock: free it now.
  await clearStaleLocks(options.stateDir);
  return outcomes;
}

async function recoverRun(
  view: RunView,
  action: Exclude<ReturnType<typeof recoveryAction>, "none">,
  options: ReconcileOptions,
  reporter: DeployReporter,
): Promise<DeployResult> {
  const dir = runDir(options.stateDir, view.runId);
  if (action === "report") return reportResult(dir, view.result!, reporter);

  await waitForOrphans(view, options.orphanWaitMs ?? 120_000);
  const ctx = contextFromJournal(view, dir, options, reporter);
  const start = view.start!;
  appendArtifact(
    dir,
    "rollback.log",
    `reconcile after restart: action ${action} (last step started: ${view.startedSteps.at(-1) ?? "none"})`,
  );

  const engine = await loadEngine(engineOfRun(start));
  if (engine.recover)
    return engine.recover(
      ctx,
      view,
      action,
      "restart",
      `the runner stopped during '${view.startedSteps.at(-1) ?? "start"}'`,
    );
  if (action === "abandon") {
    const where = view.startedSteps.at(-1) ?? "start";
    return abandonRun(ctx, view, `the runner stopped during '${where}', before the restart`);
  }
  if (action === "switch")
    return finishRun(ctx, await settleSwitch(ctx, view, "the runner stopped during a start-first switch"));
  if (action === "settle") {
    // Keep what runs only if it is the image this run built and it verifies now.
    const running = await ctx.docker.findServiceContainer(start.project, start.composeService);
    const isNew = !!running && !!view.builtImageId && running.imageId === view.builtImageId;
    if (isNew)
      return keepIfVerified(
        ctx,
        () => verifyStep(ctx, "verify"),
        (why, verify) => rollback(ctx, why, verify),
        (detail) => `verification after a runner restart failed: ${detail}`,
      );
    return finishRun(
      ctx,
      await rollback(ctx, "the runner stopped during the restart and the new image is not running", null),
    );
  }
  return finishRun(
    ctx,
    await rollback(ctx, "the runner stopped during a rollback; rolling back again", null),
  );
}

/** Compose processes started by the dead runner may still be running; let them finish first. */
async function waitForOrphans(view: RunView, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  for (const { pid } of view.processes) {
    while (pidAlive(pid) && Date.now() < until) await sleep(200);
  }
}

/** The run's context rebuilt from its journal, to finish it in a process that did not start it. */
function contextFromJournal(
  view: RunView,
  dir: string,
  options: ReconcileOptions,
  reporter: DeployReporter,
): RunContext {
  const start = view.start!;
  const env = options.env ?? process.env;
  return {
    runId: view.runId,
    dir,
    start,
    compose: { flavor: start.flavor, project: start.project, files: view.composeFiles ?? start.composeFiles },
    docker: options.docker ?? createDockerOps(env),
    reporter,
    git: openWorkspace(start.workspace),
    env,
    steps: [...view.endedSteps],
    startedAt: Date.parse(start.at),
    targetSha: view.targetSha,
    previousSha: view.previousSha,
    workspaceHeadBefore: view.workspaceHeadBefore,
    serviceImage: view.serviceImage,
    rollbackPoint: view.rollbackPoint ?? null,
    reconciled: true,
  };
}

/**
 * Finishes one run of this process whose runDeploy threw before journaling a result (and could not
 * finish it itself): roll back if the service was touched, else mark it failed; report once. For the
 * poller, which otherwise would leave the run to the next restart. Returns null when there was
 * nothing left to do (finished meanwhile, or still active).
 */
export async function recoverInterruptedRun(
  options: ReconcileOptions & { runId: string; error: unknown },
): Promise<DeployResult | null> {
  const reporter = options.reporter ?? silentReporter;
  const dir = runDir(options.stateDir, options.runId);
  const listed = viewRun(options.runId, readEvents(dir));
  if (!listed.start || isRunActive(options.runId) || recoveryAction(listed) === "none") return null;
  const lock = await acquireServiceLock(options.stateDir, listed.start.service, { runId: options.runId });
  try {
    const view = viewRun(options.runId, readEvents(dir));
    if (view.result) return view.reported ? null : reportResult(dir, view.result, reporter);
    const ctx = { ...contextFromJournal(view, dir, options, reporter), reconciled: false };
    return await finishInterrupted(ctx, options.error);
  } finally {
    lock.release();
  }
}
