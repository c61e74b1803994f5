import { writeFileSync } from "node:fs";
import { buildArgv, stopArgv, upArgv } from "../compose/argv.js";
import {
  appendArtifact,
  artifactPath,
  writeJsonArtifact,
  type ArtifactName,
} from "../artifacts/artifacts.js";
import type { DeployResult, ProbeSummary, StepName } from "../journal/events.js";
import { appendEvent } from "../journal/journal-file.js";
import { run, type RunResult } from "../process/run.js";
import { withDeadline } from "../verify/deadline.js";
import { verifyService, type VerifyResult } from "../verify/verify-service.js";
import { returnHead } from "../workspace/git-workspace.js";
import { attemptWhileDockerReturns, realClock, type DockerWait } from "./docker-wait.js";
import { redact } from "../../src/redact/redactor.js";
import type { ResultFields, RunContext } from "./run-context.js";

const now = () => new Date().toISOString();

async function safely(what: () => void | Promise<void>): Promise<void> {
  try {
    await what();
  } catch {
    // A reporter that cannot show progress must not break the deploy; `finish` is handled apart.
  }
}

/**
 * Journals the step (fsync'd) BEFORE doing it, runs it, then journals how it ended with its timing.
 * `fn` returns `{ ok, detail }`; a throw counts as a failed step with the error as detail.
 */
export async function runStep<T extends { ok: boolean; detail: string; imageId?: string }>(
  ctx: RunContext,
  step: StepName,
  fn: () => Promise<T>,
): Promise<T | { ok: false; detail: string; imageId?: string }> {
  appendEvent(ctx.dir, { type: "step-start", at: now(), step });
  await safely(() =>
    ctx.reporter.step({ runId: ctx.runId, service: ctx.start.service, step, phase: "start", at: now() }),
  );
  const began = Date.now();
  let outcome: T | { ok: false; detail: string; imageId?: string };
  try {
    outcome = await fn();
  } catch (error) {
    outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  const durationMs = Date.now() - began;
  const detail = redact(outcome.detail);
  appendEvent(ctx.dir, {
    type: "step-end",
    at: now(),
    step,
    ok: outcome.ok,
    durationMs,
    detail,
    ...(outcome.imageId ? { imageId: outcome.imageId } : {}),
  });
  ctx.steps.push({ step, ok: outcome.ok, durationMs, detail });
  await safely(() =>
    ctx.reporter.step({
      runId: ctx.runId,
      service: ctx.start.service,
      step,
      phase: "end",
      at: now(),
      ok: outcome.ok,
      durationMs,
      detail,
    }),
  );
  return outcome;
}

/**
 * Longest a compose command may run before it is killed (and its step fails): a build may download
 * and compile for a long time; `up` and `stop` only create, start and stop containers.
 */
export const COMPOSE_LIMIT_MS = { build: 60 * 60_000, other: 10 * 60_000 } as const;

/** Time the verifier may take beyond its timeout + watch window (Docker calls, the last probes). */
const VERIFY_SLACK_MS = 60_000;

/** Runs one compose command for a step, streaming its output into the step's artifact. */
export async function composeCommand(
  ctx: RunContext,
  step: StepName,
  argv: string[],
  artifact: ArtifactName,
  onSpawned?: () => void,
): Promise<RunResult> {
  const limit = step === "build" ? COMPOSE_LIMIT_MS.build : COMPOSE_LIMIT_MS.other;
  const began = Date.now();
  const result = await run(argv, {
    cwd: ctx.start.workspace,
    env: ctx.env,
    logFile: artifactPath(ctx.dir, artifact),
    onSpawn: (pid) => {
      appendEvent(ctx.dir, { type: "process", at: now(), step, pid });
      onSpawned?.();
    },
    timeoutMs: limit,
  });
  if (result.exitCode !== 0 && !result.spawnError && Date.now() - began >= limit)
    return { ...result, spawnError: `killed after running for the ${limit / 60_000} min limit` };
  return result;
}

export function tail(text: string, lines = 6): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export async function buildStep(ctx: RunContext) {
  return runStep(ctx, "build", async () => {
    const result = await composeCommand(
      ctx,
      "build",
      buildArgv(ctx.compose, ctx.start.composeService),
      "build.log",
    );
    if (result.exitCode !== 0) {
      return {
        ok: false,
        detail: `compose build exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`,
      };
    }
    const imageId = ctx.serviceImage ? await ctx.docker.imageId(ctx.serviceImage) : null;
    return {
      ok: true,
      detail: `built ${ctx.serviceImage} ${imageId?.slice(7, 19) ?? "(id unknown)"}`,
      imageId: imageId ?? undefined,
    };
  });
}

/** Keeps the running container's create options before `up` replaces it, for a fast rollback. */
async function snapshotRollbackPoint(ctx: RunContext): Promise<void> {
  const point = ctx.rollbackPoint;
  if (!point || !ctx.docker.snapshotContainer) return;
  try {
    const taken = await ctx.docker.snapshotContainer(point.containerId);
    ctx.rollbackSnapshot = taken.ok ? taken.snapshot : null;
    if (!taken.ok)
      appendArtifact(ctx.dir, "restart.log", `no fast rollback (Compose will do it): ${taken.why}`);
  } catch (error) {
    ctx.rollbackSnapshot = null;
    appendArtifact(
      ctx.dir,
      "restart.log",
      `no fast rollback (Compose will do it): ${redact((error as Error).message)}`,
    );
  }
}

/**
 * Rollback's restart: boot the old container again from its snapshot through the API (the failed
 * one is killed, not stopped), else, or when that fails, `up --no-build` with Compose.
 */
export async function rollbackUpStep(ctx: RunContext) {
  const snapshot = ctx.rollbackSnapshot;
  if (!snapshot || !ctx.docker.restoreSnapshot) return upStep(ctx, "rollback-up");
  return runStep(ctx, "rollback-up", async () => {
    const timeline = stepTimeline();
    try {
      const id = await ctx.docker.restoreSnapshot!(
        snapshot,
        ctx.compose.project,
        ctx.start.composeService,
        timeline.mark,
      );
      appendArtifact(
        ctx.dir,
        "rollback.log",
        `restored ${snapshot.name} from its snapshot (image ${snapshot.imageId}): container ${id.slice(0, 12)}\n` +
          `rollback-up timeline (ms): ${timeline.line()}`,
      );
      return { ok: true, detail: `old container restored from its snapshot (${id.slice(0, 12)})` };
    } catch (error) {
      appendArtifact(
        ctx.dir,
        "rollback.log",
        `restoring the old container from its snapshot failed (${redact((error as Error).message)}) after ${timeline.line()}; using compose up`,
      );
      return composeUp(ctx, "rollback-up");
    }
  });
}

/** Phases of a step as they end, in ms from its start: `listed +4, killed +150`. */
function stepTimeline() {
  const began = Date.now();
  const marks: string[] = [];
  return {
    mark: (phase: string) => void marks.push(`${phase} +${Date.now() - began}`),
    line: () => (marks.length ? marks.join(", ") : "no phase ended"),
  };
}

async function composeUp(ctx: RunContext, step: "up" | "rollback-up") {
  const artifact: ArtifactName = step === "up" ? "restart.log" : "rollback.log";
  // A rollback replaces the version that just failed: kill it at once instead of waiting out its
  // stop grace period (many servers ignore SIGTERM as PID 1), so the old version serves sooner.
  const argv = upArgv(
    ctx.compose,
    ctx.start.composeService,
    step === "up" ? { build: true } : { build: false, stopTimeoutS: 0 },
  );
  const timeline = stepTimeline();
  const result = await composeCommand(ctx, step, argv, artifact, () => timeline.mark("spawned"));
  timeline.mark("exited");
  appendArtifact(ctx.dir, artifact, `compose up timeline (ms): ${timeline.line()}`);
  return result.exitCode === 0
    ? { ok: true, detail: "container (re)created" }
    : {
        ok: false,
        detail: `compose up exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`,
      };
}

export async function upStep(ctx: RunContext, step: "up" | "rollback-up") {
  return runStep(ctx, step, async () => {
    if (step === "up") await snapshotRollbackPoint(ctx);
    return composeUp(ctx, step);
  });
}

export async function verifyStep(
  ctx: RunContext,
  step: "verify" | "rollback-verify",
): Promise<{ ok: boolean; detail: string; verify: VerifyResult | null }> {
  let verify: VerifyResult | null = null;
  const header = step === "verify" ? "== verify new version ==" : "== verify after rollback ==";
  appendArtifact(ctx.dir, "verify.log", header);
  const outcome = await runStep(ctx, step, async () => {
    // verifyService bounds each of its waits; this bounds the whole, whatever a probe does.
    const limit = ctx.start.timeoutMs + ctx.start.watchMs + VERIFY_SLACK_MS;
    verify = await withDeadline(`verification of ${ctx.start.composeService}`, limit, () =>
      verifyService(ctx.docker, {
        project: ctx.compose.project,
        service: ctx.start.composeService,
        healthUrl: ctx.start.healthUrl ?? undefined,
        timeoutMs: ctx.start.timeoutMs,
        watchMs: ctx.start.watchMs,
        log: (line) => appendArtifact(ctx.dir, "verify.log", line),
      }),
    );
    return { ok: verify.ok, detail: `${verify.phase}: ${verify.reason}` };
  });
  if (step === "rollback-verify")
    appendArtifact(ctx.dir, "rollback.log", `verify after rollback: ${outcome.detail}`);
  return { ok: outcome.ok, detail: outcome.detail, verify };
}

/** What the result keeps of a verification; the log tail is redacted here, before it is journaled. */
export function summarizeVerify(verify: VerifyResult | null): ProbeSummary | null {
  if (!verify) return null;
  return {
    ok: verify.ok,
    phase: verify.phase,
    reason: verify.reason,
    ...(verify.cause ? { cause: verify.cause, crashed: verify.crashed ?? false } : {}),
    probes: verify.probes,
    ...(verify.logsTail.trim() ? { logsTail: redact(verify.logsTail.trimEnd()) } : {}),
    startMs: verify.startMs,
    watchMs: verify.watchMs,
  };
}

export async function restoreWorkspace(ctx: RunContext): Promise<string | null> {
  const back = ctx.workspaceHeadBefore;
  if (!back) return null;
  const outcome = await runStep(ctx, "restore-workspace", async () => {
    return { ok: true, detail: await returnHead(ctx.git, back, ctx.workspaceBranchBefore ?? null) };
  });
  return outcome.ok ? back : ctx.targetSha;
}

/**
 * A first deploy (no container before it) that failed: there is nothing to roll back to, and a
 * version that failed verification must not keep serving, so its container is stopped (not removed:
 * its logs stay for the operator).
 */
async function stopFirstDeploy(
  ctx: RunContext,
  why: string,
  verify: ProbeSummary | null,
): Promise<ResultFields> {
  appendArtifact(
    ctx.dir,
    "rollback.log",
    `no previous container to roll back to (first deploy): stopping the new one. ${why}`,
  );
  const stopped = await runStep(ctx, "stop", async () => {
    const argv = stopArgv(ctx.compose, ctx.start.composeService);
    const result = await composeCommand(ctx, "stop", argv, "rollback.log");
    return result.exitCode === 0
      ? { ok: true, detail: "new container stopped" }
      : {
          ok: false,
          detail: `compose stop exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`,
        };
  });
  const workspaceSha = await restoreWorkspace(ctx);
  if (!stopped.ok) {
    return {
      status: "rollback_failed",
      reason: `${why}; there was no previous container to roll back to, and stopping the new one failed (it may still be serving): ${stopped.detail}`,
      verify,
      workspaceSha,
    };
  }
  return {
    status: "failed",
    reason: `${why}; there was no previous container to roll back to (first deploy), so the new container was stopped: the service is not running`,
    verify,
    workspaceSha,
  };
}

/** How long a rollback waits for a Docker daemon that stopped answering (restarted mid-deploy). */
export const ROLLBACK_DOCKER_WAIT_MS = 120_000;

function dockerWait(ctx: RunContext): DockerWait {
  return {
    ping: () => ctx.docker.ping(),
    clock: ctx.clock ?? realClock,
    note: async (message, away) => {
      const said = redact(message);
      appendArtifact(ctx.dir, "rollback.log", said);
      if (away) await safely(() => ctx.reporter.note(ctx.runId, said));
    },
  };
}

/**
 * Puts the service back on the image it ran before: re-tag the old image id as the service's image,
 * `up --no-build`, verify, then move the workspace back. Every step is idempotent, so a restarted
 * runner can run it again from the top.
 */
export async function rollback(
  ctx: RunContext,
  why: string,
  verify: ProbeSummary | null,
): Promise<ResultFields> {
  const point = ctx.rollbackPoint;
  if (!point || !ctx.serviceImage) return stopFirstDeploy(ctx, why, verify);
  appendArtifact(
    ctx.dir,
    "rollback.log",
    `rolling back: ${why}\nold container ${point.containerId.slice(0, 12)}, image ${point.imageId}`,
  );
  const restored = await attemptWhileDockerReturns(
    dockerWait(ctx),
    ROLLBACK_DOCKER_WAIT_MS,
    () => restoreOldImage(ctx, point.imageId),
    (reason) =>
      appendArtifact(ctx.dir, "rollback.log", `Docker went away during the rollback (${reason}); retrying`),
  );
  if (!restored.ok)
    return {
      status: "rollback_failed",
      reason: `${why}; ${restored.reason}`,
      verify,
      workspaceSha: ctx.targetSha,
    };
  const again = await verifyStep(ctx, "rollback-verify");
  const workspaceSha = await restoreWorkspace(ctx);
  if (!again.ok) {
    return {
      status: "rollback_failed",
      reason: `${why}; the old version did not verify either: ${again.detail}`,
      verify,
      rollbackVerify: summarizeVerify(again.verify),
      workspaceSha,
    };
  }
  return {
    status: "rolled_back",
    reason: `${why}; rolled back to the previous image`,
    verify,
    rollbackVerify: summarizeVerify(again.verify),
    workspaceSha,
  };
}

/** Re-tags the old image as the service's and starts it again: the rollback's part that needs Docker. */
async function restoreOldImage(
  ctx: RunContext,
  imageId: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const tagged = await runStep(ctx, "rollback-tag", async () => {
    await ctx.docker.tagImage(imageId, ctx.serviceImage!);
    appendArtifact(ctx.dir, "rollback.log", `tagged ${imageId} as ${ctx.serviceImage}`);
    return { ok: true, detail: `${ctx.serviceImage} -> ${imageId.slice(7, 19)}` };
  });
  if (!tagged.ok) return { ok: false, reason: `re-tagging the old image failed: ${tagged.detail}` };
  const up = await rollbackUpStep(ctx);
  return up.ok ? { ok: true } : { ok: false, reason: `rollback up failed: ${up.detail}` };
}

/** Records the result (journal + summary.json) and reports it; the `reported` mark comes after the report. */
export async function finishRun(ctx: RunContext, fields: ResultFields): Promise<DeployResult> {
  const result: DeployResult = {
    runId: ctx.runId,
    service: ctx.start.service,
    ref: ctx.start.ref,
    targetSha: ctx.targetSha,
    previousSha: ctx.previousSha,
    status: fields.status,
    reason: redact(fields.reason),
    steps: ctx.steps,
    rollbackPoint: ctx.rollbackPoint,
    verify: fields.verify ?? null,
    rollbackVerify: fields.rollbackVerify ?? null,
    workspaceSha: fields.workspaceSha ?? ctx.workspaceHeadBefore,
    artifactsDir: ctx.dir,
    startedAt: new Date(ctx.startedAt).toISOString(),
    finishedAt: now(),
    durationMs: Date.now() - ctx.startedAt,
    reconciled: ctx.reconciled,
    meta: ctx.start.meta,
  };
  appendEvent(ctx.dir, { type: "result", at: now(), result });
  writeJsonArtifact(ctx.dir, "summary.json", result);
  return reportResult(ctx.dir, result, ctx.reporter);
}

export async function reportResult(
  dir: string,
  result: DeployResult,
  reporter: RunContext["reporter"],
): Promise<DeployResult> {
  await reporter.finish(result);
  appendEvent(dir, { type: "reported", at: now(), via: reporter.name });
  return result;
}

/** Makes sure every artifact exists, so a reader never has to guess whether a step ran. */
export function touchArtifacts(dir: string): void {
  for (const name of ["patch.diff", "build.log", "restart.log", "verify.log", "rollback.log"] as const) {
    writeFileSync(artifactPath(dir, name), "", { flag: "a" });
  }
}
