import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { composeServiceName } from "../../src/config/parse.js";
import type { ServiceConfig } from "../../src/config/schema.js";
import {
  defaultImageName,
  resolveComposeFiles,
  resolveProjectName,
  type ComposeFlavor,
} from "../compose/argv.js";
import { DEFAULT_COMPOSE_FILES, findComposeService } from "../compose/compose-file.js";
import { detectComposeFlavor } from "../compose/detect.js";
import { engineFor, loadEngine } from "../engine/registry.js";
import { writeArtifact } from "../artifacts/artifacts.js";
import { createDockerOps, type DockerOps } from "../docker/docker-ops.js";
import type { RunStart } from "../journal/events.js";
import { appendEvent, createRunDir } from "../journal/journal-file.js";
import { allRuns, lastDeployedSha } from "../journal/history.js";
import { processIdentity } from "../lock/identity.js";
import { acquireServiceLock, type LockOptions } from "../lock/service-lock.js";
import {
  checkoutDetached,
  diffPath,
  fetchRef,
  openWorkspace,
  resolveCommit,
  showFile,
  workspaceHead,
} from "../workspace/git-workspace.js";
import { moveRefusal, runnerPlacedShas, uncommittedRefusal } from "../workspace/workspace-guard.js";
import { planStrategy } from "../strategy/plan.js";
import { readServiceShape } from "../strategy/service-shape.js";
import { startFirst } from "../strategy/start-first.js";
import { markRunActive, markRunDone } from "./active-runs.js";
import { finishInterrupted } from "./interrupted.js";
import { silentReporter, type DeployReporter } from "./reporter.js";
import type { RunContext } from "./run-context.js";
import {
  buildStep,
  finishRun,
  restoreWorkspace,
  rollback,
  runStep,
  summarizeVerify,
  touchArtifacts,
  upStep,
  verifyStep,
} from "./steps.js";
import type { DeployResult } from "../journal/events.js";
import { serviceHealth } from "../../src/config/service.js";

export interface DeployRequest {
  /** The service's key in `.github/orchestrator.yml`. */
  service: string;
  serviceConfig: ServiceConfig;
  /** Branch, tag or SHA to deploy. */
  ref: string;
  /** The git checkout holding the compose project. */
  workspace: string;
  stateDir: string;
  /** Compose project name; default `COMPOSE_PROJECT_NAME`, else the workspace folder name. */
  project?: string;
  /** Compose files relative to the workspace; default `COMPOSE_FILE`, else Compose's default names. */
  composeFiles?: string[];
  /** Environment for compose and for project/file defaults (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Fetch the ref from this remote when the checkout does not have it (the token goes in a header). */
  fetch?: { remote: string; token?: string };
  /** Carried into the journal and the result unchanged (e.g. GitHub deployment id). */
  meta?: Record<string, unknown>;
  lock?: LockOptions;
}

export interface DeployDeps {
  docker?: DockerOps;
  reporter?: DeployReporter;
  flavor?: ComposeFlavor;
}

export function newRunId(service: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:.]/g, "");
  return `${stamp}-${service}-${randomBytes(3).toString("hex")}`;
}

/**
 * Deploys one service: lock, check the workspace, record the rollback point, check out the target,
 * build, up, verify, and roll back on failure. Always resolves with a result (never throws for a
 * failed deploy); the result is journaled and reported exactly once. It throws only when no run could
 * be journaled, when the report failed (the journal keeps the result for a retry), or when a run that
 * threw partway could not be finished either (UnfinishedRunError; reconcile() finishes it later).
 */
export async function runDeploy(request: DeployRequest, deps: DeployDeps = {}): Promise<DeployResult> {
  const env = request.env ?? process.env;
  const reporter = deps.reporter ?? silentReporter;
  const docker = deps.docker ?? createDockerOps(env);
  const workspace = resolve(request.workspace);
  const runId = newRunId(request.service);
  const lock = await acquireServiceLock(request.stateDir, request.service, {
    ...request.lock,
    runId,
    onEvent: (message) => {
      request.lock?.onEvent?.(message);
      void reporter.note(runId, message);
    },
  });
  try {
    const engine = engineFor(request.serviceConfig, env);
    // Swarm deploys through the docker CLI alone; its runs record v2 (the flavor is not used there).
    const flavor = deps.flavor ?? (engine === "compose" ? await detectComposeFlavor(env) : "v2");
    const project = request.project ?? resolveProjectName(env, workspace);
    const health = serviceHealth(request.serviceConfig);
    const start: RunStart = {
      type: "run-start",
      at: new Date().toISOString(),
      runId,
      service: request.service,
      composeService: composeServiceName(request.service, request.serviceConfig),
      ref: request.ref,
      workspace,
      project,
      composeFiles: resolveComposeFiles(env, request.composeFiles),
      flavor,
      ...(engine === "compose" ? {} : { engine }),
      healthUrl: health.url,
      timeoutMs: health.timeoutMs,
      watchMs: health.watchMs,
      pid: process.pid,
      hostname: hostname(),
      startTime: processIdentity().startTime,
      meta: request.meta ?? {},
    };
    const dir = createRunDir(request.stateDir, runId);
    appendEvent(dir, start);
    touchArtifacts(dir);
    const ctx: RunContext = {
      runId,
      dir,
      start,
      compose: { flavor, project, files: start.composeFiles },
      docker,
      reporter,
      git: openWorkspace(workspace, { token: request.fetch?.token }),
      env,
      steps: [],
      startedAt: Date.now(),
      targetSha: null,
      previousSha: null,
      workspaceHeadBefore: null,
      serviceImage: null,
      rollbackPoint: null,
      reconciled: false,
    };
    markRunActive(runId);
    try {
      return await (await loadEngine(engine)).deploy(ctx, request);
    } catch (error) {
      // Something outside a step threw: finish the run here rather than leave it for a restart.
      return await finishInterrupted(ctx, error);
    } finally {
      markRunDone(runId);
    }
  } finally {
    lock.release();
  }
}

/** The compose engine's steps (runner/engine/compose-engine.ts). */
export async function deploySteps(ctx: RunContext, request: DeployRequest): Promise<DeployResult> {
  // prepare: everything here only reads; a refusal leaves the host exactly as it was.
  let refusal: string | null = null;
  const prepared = await runStep(ctx, "prepare", async () => {
    refusal = await prepare(ctx, request);
    return refusal ? { ok: false, detail: refusal } : { ok: true, detail: describePoint(ctx) };
  });
  if (!prepared.ok)
    return finishRun(ctx, {
      status: "refused",
      reason: prepared.detail,
      workspaceSha: ctx.workspaceHeadBefore,
    });

  if (ctx.targetSha !== ctx.workspaceHeadBefore) {
    const checkout = await runStep(ctx, "checkout", async () => {
      await checkoutDetached(ctx.git, ctx.targetSha!);
      return { ok: true, detail: `workspace at ${ctx.targetSha!.slice(0, 12)}` };
    });
    if (!checkout.ok) {
      const workspaceSha = await restoreWorkspace(ctx);
      return finishRun(ctx, {
        status: "failed",
        reason: `checkout failed: ${checkout.detail}`,
        workspaceSha,
      });
    }
  }

  // A failed build never touches the running container.
  const built = await buildStep(ctx);
  if (!built.ok) {
    const workspaceSha = await restoreWorkspace(ctx);
    return finishRun(ctx, {
      status: "failed",
      reason: `build failed; the running container was not touched. ${built.detail}`,
      workspaceSha,
    });
  }

  if (ctx.strategy?.strategy === "start-first") return finishRun(ctx, await startFirst(ctx));

  const up = await upStep(ctx, "up");
  if (!up.ok) return finishRun(ctx, await rollback(ctx, `restart failed: ${up.detail}`, null));

  const verified = await verifyStep(ctx, "verify");
  const verify = summarizeVerify(verified.verify);
  if (!verified.ok)
    return finishRun(ctx, await rollback(ctx, `verification failed: ${verified.detail}`, verify));
  return finishRun(ctx, {
    status: "success",
    reason: `deployed ${ctx.targetSha!.slice(0, 12)}: ${verified.detail}`,
    verify,
    workspaceSha: ctx.targetSha,
  });
}

function describePoint(ctx: RunContext): string {
  const point = ctx.rollbackPoint;
  const target = `target ${ctx.targetSha!.slice(0, 12)}, previous ${ctx.previousSha!.slice(0, 12)}`;
  return point
    ? `${target}; rollback point ${point.imageId.slice(7, 19)} (container ${point.containerId.slice(0, 12)})`
    : `${target}; no running container (first deploy)`;
}

/** Checks the workspace and the compose file and records the rollback point; returns a refusal or null. */
async function prepare(ctx: RunContext, request: DeployRequest): Promise<string | null> {
  const refused = await prepareWorkspace(ctx, request);
  if (refused) return refused;
  const read = await readComposeFilesAt(ctx, ctx.targetSha!);
  if (!read.ok) return read.refusal;
  return prepareCompose(ctx, request, read.files, ctx.targetSha!);
}

/**
 * The checks every engine makes before touching anything: Docker answers, the workspace has nothing
 * a deploy would lose, the ref resolves (fetched when needed) and may be checked out; sets the
 * target and previous SHAs. Returns a refusal or null.
 */
export async function prepareWorkspace(ctx: RunContext, request: DeployRequest): Promise<string | null> {
  await ctx.docker.ping();
  // The workspace may be anywhere (new commits, another branch); only what a deploy would lose stops it.
  const state = await workspaceHead(ctx.git);
  ctx.workspaceHeadBefore = state.head;
  ctx.workspaceBranchBefore = state.branch;
  const uncommitted = await uncommittedRefusal(ctx.git, ctx.start.workspace);
  if (uncommitted) return uncommitted;

  let target = await resolveCommit(ctx.git, request.ref);
  if (!target && request.fetch) {
    await ctx.reporter.note(ctx.runId, `fetching ${request.ref} from ${request.fetch.remote}`);
    await fetchRef(ctx.git, request.fetch.remote, request.ref);
    target = (await resolveCommit(ctx.git, request.ref)) ?? (await resolveCommit(ctx.git, "FETCH_HEAD"));
  }
  if (!target) {
    return `ref '${request.ref}' is not in the workspace${request.fetch ? ` and fetching it from ${request.fetch.remote} did not bring it` : " (no remote to fetch from in local mode)"}`;
  }
  const moving = await moveRefusal(ctx.git, {
    workspace: ctx.start.workspace,
    ref: request.ref,
    head: state.head,
    target,
    runnerPlaced: runnerPlacedShas(allRuns(request.stateDir), ctx.start.workspace),
  });
  if (moving) return moving;
  ctx.targetSha = target;
  ctx.previousSha = lastDeployedSha(request.stateDir, ctx.start.service) ?? state.head;
  return null;
}

/** The compose files as they are at `sha`, read from git (the checkout has not moved yet). */
export async function readComposeFilesAt(
  ctx: RunContext,
  sha: string,
): Promise<{ ok: true; files: Array<{ path: string; text: string }> } | { ok: false; refusal: string }> {
  const target = sha;
  const candidates = ctx.start.composeFiles.length > 0 ? ctx.start.composeFiles : DEFAULT_COMPOSE_FILES;
  const files: Array<{ path: string; text: string }> = [];
  for (const path of candidates) {
    const text = await showFile(ctx.git, target, path);
    if (text === null && ctx.start.composeFiles.length > 0)
      return { ok: false, refusal: `compose file ${path} does not exist at ${target.slice(0, 12)}` };
    if (text !== null) files.push({ path, text });
    if (text !== null && ctx.start.composeFiles.length === 0) break;
  }
  if (files.length === 0)
    return {
      ok: false,
      refusal: `no compose file (${DEFAULT_COMPOSE_FILES.join(", ")}) at ${target.slice(0, 12)}`,
    };
  return { ok: true, files };
}

async function prepareCompose(
  ctx: RunContext,
  request: DeployRequest,
  files: Array<{ path: string; text: string }>,
  target: string,
): Promise<string | null> {
  ctx.compose.files = files.map((f) => f.path);
  const found = findComposeService(files, ctx.start.composeService);
  if (!found.ok) return `${found.error} — nothing was touched`;
  const strategy = planStrategy(
    request.serviceConfig,
    readServiceShape(files, ctx.start.composeService),
    ctx.start.composeService,
  );
  if (!strategy.ok) return `${strategy.reason} — nothing was touched`;
  ctx.strategy = strategy.plan;
  ctx.serviceImage =
    found.info.image ?? defaultImageName(ctx.compose.flavor, ctx.compose.project, ctx.start.composeService);

  const running = await ctx.docker.findServiceContainer(ctx.compose.project, ctx.start.composeService);
  ctx.rollbackPoint = running
    ? { containerId: running.id, imageId: running.imageId, imageName: ctx.serviceImage }
    : null;

  appendEvent(ctx.dir, {
    type: "resolved",
    at: new Date().toISOString(),
    targetSha: target,
    previousSha: ctx.previousSha!,
    workspaceHeadBefore: ctx.workspaceHeadBefore!,
    serviceImage: ctx.serviceImage,
    composeFiles: ctx.compose.files,
  });
  appendEvent(ctx.dir, { type: "rollback-point", at: new Date().toISOString(), point: ctx.rollbackPoint });
  writeArtifact(
    ctx.dir,
    "patch.diff",
    await diffPath(ctx.git, ctx.previousSha!, target, request.serviceConfig.path),
  );
  return null;
}
