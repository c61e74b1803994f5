import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { appendArtifact, writeArtifact } from "../../artifacts/artifacts.js";
import type { DeployResult, JournalEvent, ProbeSummary } from "../../journal/events.js";
import { appendEvent, readEvents } from "../../journal/journal-file.js";
import type { RecoveryAction, RunView } from "../../journal/run-view.js";
import { checkoutDetached, diffPath, showFile } from "../../workspace/git-workspace.js";
import { prepareWorkspace, readComposeFilesAt, type DeployRequest } from "../../pipeline/deploy.js";
import type { ResultFields, RunContext } from "../../pipeline/run-context.js";
import {
  composeCommand,
  finishRun,
  restoreWorkspace,
  runStep,
  summarizeVerify,
  tail,
} from "../../pipeline/steps.js";
import type { VerifyResult } from "../../verify/verify-service.js";
import { idleWatch } from "../../docker/events.js";
import { keepIfVerified } from "../../pipeline/settle-after-restart.js";
import { redact } from "../../../src/redact/redactor.js";
import type { DeployEngine, RecoveryMode } from "../types.js";
import {
  buildImageArgv,
  deployImageRef,
  imageRepository,
  pushArgv,
  serviceRollbackArgv,
  serviceScaleToZeroArgv,
  serviceUpdateArgv,
  stackDeployArgv,
  swarmServiceName,
  swarmUpdateOrder,
  type ImageBuild,
  type SwarmUpdateOrder,
} from "./argv.js";
import { judgeRollout, waitForRollout } from "./rollout.js";
import { findStackService, renderStackFile, stackServiceNames, stackUpdateOrder } from "./stack-file.js";
import { createSwarmApi, type SwarmApi } from "./swarm-api.js";
import { splitByNode, verifyRemoteOnly, verifyTasks } from "./task-verify.js";

type SwarmTarget = Extract<JournalEvent, { type: "swarm-target" }>;

interface SwarmPlan {
  stack: string;
  swarmService: string;
  files: Array<{ path: string; text: string }>;
  build: ImageBuild;
  /** `<image>:<sha12>` the build tags. */
  image: string;
  registry: string | null;
  previousImage: string | null;
  method: SwarmTarget["method"];
  /** The update order deploy.strategy sets (null: the stack file's or the service's stays). */
  order: SwarmUpdateOrder | null;
  /** The stack file's own deploy.update_config.order for the service. */
  fileOrder: string | null;
  /** This manager's node id: tasks on it are verified container by container. */
  nodeId: string;
}

const now = () => new Date().toISOString();

function failed(
  result: { exitCode: number; spawnError?: string; stderr: string; stdout: string },
  what: string,
) {
  return `${what} exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`;
}

/** Reads the stack file(s) at the target and the service as it runs; a refusal (string) or the plan. */
async function prepareSwarm(
  ctx: RunContext,
  request: DeployRequest,
  api: SwarmApi,
): Promise<SwarmPlan | string> {
  // Independent looks run side by side: the deploy's own time is what the bench compares.
  const stack = request.serviceConfig.swarm?.stack ?? ctx.start.project;
  const swarmService = swarmServiceName(stack, ctx.start.composeService);
  const [refused, nodeId, running] = await Promise.all([
    prepareWorkspace(ctx, request),
    api.managerNodeId(),
    api.inspectService(swarmService),
  ]);
  if (refused) return refused;
  if (nodeId === null)
    return "the swarm engine needs a swarm manager: this Docker engine is not one (docker swarm init, or run the runner on a manager node) — nothing was touched";
  const target = ctx.targetSha!;
  const read = await readComposeFilesAt(ctx, target);
  if (!read.ok) return read.refusal;
  const found = findStackService(read.files, ctx.start.composeService);
  if (!found.ok) return `${found.error} — nothing was touched`;
  const registry = request.serviceConfig.swarm?.registry ?? ctx.env.RUNNER_SWARM_REGISTRY?.trim() ?? null;
  const image = deployImageRef(found.service.image, target, registry || undefined);
  const previousSha = ctx.previousSha;
  const [previousTexts, previousId] = await Promise.all([
    running && previousSha && previousSha !== target
      ? Promise.all(read.files.map((file) => showFile(ctx.git, previousSha, file.path)))
      : null,
    running ? ctx.docker.imageId(running.image).catch(() => null) : null,
  ]);
  // The stack file decides everything but the image: a change to it goes through `stack deploy`.
  const changed = previousTexts?.some((text, i) => text !== read.files[i]!.text) ?? false;
  const method: SwarmTarget["method"] = !running || changed ? "stack-deploy" : "service-update";
  ctx.compose.files = read.files.map((f) => f.path);
  ctx.serviceImage = image;
  // The rollback point of a swarm service: its id, and the image its spec ran (id when the engine has it).
  ctx.rollbackPoint = running
    ? { containerId: running.id, imageId: previousId ?? running.image, imageName: running.image }
    : null;
  appendEvent(ctx.dir, {
    type: "resolved",
    at: now(),
    targetSha: target,
    previousSha: ctx.previousSha!,
    workspaceHeadBefore: ctx.workspaceHeadBefore!,
    serviceImage: image,
    composeFiles: ctx.compose.files,
  });
  appendEvent(ctx.dir, { type: "rollback-point", at: now(), point: ctx.rollbackPoint });
  writeArtifact(
    ctx.dir,
    "patch.diff",
    await diffPath(ctx.git, ctx.previousSha!, target, request.serviceConfig.path),
  );
  return {
    stack,
    swarmService,
    files: read.files,
    build: found.service.build,
    image,
    registry: registry || null,
    previousImage: running?.image ?? null,
    method,
    order: swarmUpdateOrder(request.serviceConfig.deploy?.strategy),
    fileOrder: stackUpdateOrder(read.files, ctx.start.composeService),
    nodeId,
  };
}

async function deploy(ctx: RunContext, request: DeployRequest): Promise<DeployResult> {
  const api = createSwarmApi(ctx.env);
  let plan: SwarmPlan | null = null;
  const prepared = await runStep(ctx, "prepare", async () => {
    const outcome = await prepareSwarm(ctx, request, api);
    if (typeof outcome === "string") return { ok: false, detail: outcome };
    plan = outcome;
    return {
      ok: true,
      detail: `target ${ctx.targetSha!.slice(0, 12)}; swarm service ${outcome.swarmService} runs ${outcome.previousImage ?? "nothing yet (first deploy)"}; ${outcome.method}${orderNote(outcome)}`,
    };
  });
  if (!prepared.ok || !plan)
    return finishRun(ctx, {
      status: "refused",
      reason: prepared.detail,
      workspaceSha: ctx.workspaceHeadBefore,
    });
  const p: SwarmPlan = plan;

  if (ctx.targetSha !== ctx.workspaceHeadBefore) {
    const checkout = await runStep(ctx, "checkout", async () => {
      await checkoutDetached(ctx.git, ctx.targetSha!);
      return { ok: true, detail: `workspace at ${ctx.targetSha!.slice(0, 12)}` };
    });
    if (!checkout.ok)
      return finishRun(ctx, {
        status: "failed",
        reason: `checkout failed: ${checkout.detail}`,
        workspaceSha: await restoreWorkspace(ctx),
      });
  }

  const built = await runStep(ctx, "build", async () => {
    const result = await composeCommand(ctx, "build", buildImageArgv(p.build, p.image), "build.log");
    if (result.exitCode !== 0) return { ok: false, detail: failed(result, "docker build") };
    const imageId = await ctx.docker.imageId(p.image);
    return {
      ok: true,
      detail: `built ${p.image} ${imageId?.slice(7, 19) ?? ""}`,
      imageId: imageId ?? undefined,
    };
  });
  if (!built.ok)
    return finishRun(ctx, {
      status: "failed",
      reason: `build failed; the running service was not touched. ${built.detail}`,
      workspaceSha: await restoreWorkspace(ctx),
    });

  // Pushed, the service is deployed by digest: every node runs exactly the bytes built here.
  let deployRef = p.image;
  if (p.registry) {
    const pushed = await runStep(ctx, "push", async () => {
      const result = await composeCommand(ctx, "push", pushArgv(p.image), "build.log");
      if (result.exitCode !== 0) return { ok: false, detail: failed(result, "docker push") };
      const digest = await api.repoDigest(p.image, imageRepository(p.image));
      if (!digest)
        return { ok: false, detail: `pushed ${p.image}, but the engine recorded no digest for it` };
      deployRef = `${p.image}@${digest.split("@")[1]}`;
      return { ok: true, detail: `pushed ${deployRef}` };
    });
    if (!pushed.ok)
      return finishRun(ctx, {
        status: "failed",
        reason: `push failed; the running service was not touched. ${pushed.detail}`,
        workspaceSha: await restoreWorkspace(ctx),
      });
  }

  const target: SwarmTarget = {
    type: "swarm-target",
    at: now(),
    swarmService: p.swarmService,
    previousImage: p.previousImage,
    image: deployRef,
    method: p.method,
  };
  appendEvent(ctx.dir, target);

  const up = await runStep(ctx, "up", () => applyTarget(ctx, api, p, deployRef));
  if (!up.ok)
    return finishRun(ctx, await rollbackSwarm(ctx, api, target, `update failed: ${up.detail}`, null));

  const verified = await verifySwarm(ctx, api, target.swarmService, deployRef, "verify", p.nodeId);
  const verify = summarizeVerify(verified.verify);
  if (!verified.ok)
    return finishRun(
      ctx,
      await rollbackSwarm(ctx, api, target, `verification failed: ${verified.detail}`, verify),
    );
  return finishRun(ctx, {
    status: "success",
    reason: `deployed ${ctx.targetSha!.slice(0, 12)} to swarm service ${p.swarmService}: ${verified.detail}`,
    verify,
    workspaceSha: ctx.targetSha,
  });
}

/** Which update order applies and why, for the prepare step's detail. */
function orderNote(p: SwarmPlan): string {
  if (!p.order) return p.fileOrder ? `; update order ${p.fileOrder} (stack file)` : "";
  const over = p.fileOrder && p.fileOrder !== p.order ? `, over the stack file's ${p.fileOrder}` : "";
  return `; update order ${p.order} (orchestrator.yml deploy.strategy${over})`;
}

/** `docker service update --image`, or `docker stack deploy` of the rendered stack file. */
async function applyTarget(ctx: RunContext, api: SwarmApi, p: SwarmPlan, deployRef: string) {
  if (p.method === "service-update") {
    const argv = serviceUpdateArgv(p.swarmService, deployRef, {
      registry: p.registry !== null,
      order: p.order,
    });
    const result = await composeCommand(ctx, "up", argv, "restart.log");
    return result.exitCode === 0
      ? { ok: true, detail: `service ${p.swarmService} updated to ${deployRef}` }
      : { ok: false, detail: failed(result, "docker service update") };
  }
  // The other services of the stack keep the image they run now (the runner may have placed it).
  const images: Record<string, string> = { [ctx.start.composeService]: deployRef };
  for (const name of stackServiceNames(p.files)) {
    if (images[name]) continue;
    const other = await api.inspectService(swarmServiceName(p.stack, name));
    if (other) images[name] = other.image;
  }
  // Next to the first stack file, so that relative paths in it (env_file, configs) still resolve.
  const file = join(ctx.start.workspace, dirname(p.files[0]!.path), `.orchestrator-stack-${ctx.runId}.yml`);
  const text = renderStackFile(
    p.files,
    images,
    p.order ? { service: ctx.start.composeService, order: p.order } : null,
  );
  writeFileSync(file, text);
  appendArtifact(ctx.dir, "restart.log", `stack file deployed (${file}):\n${text}`);
  try {
    const result = await composeCommand(ctx, "up", stackDeployArgv(p.stack, file), "restart.log");
    return result.exitCode === 0
      ? { ok: true, detail: `stack ${p.stack} deployed with ${ctx.start.composeService} on ${deployRef}` }
      : { ok: false, detail: failed(result, "docker stack deploy") };
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * The CLI's exit status says nothing about the rollout (it is 0 even after swarm rolled back by
 * itself), so this checks for itself: every task swarm wants running runs `image` (woken by the
 * tasks' container events), then every task on this node is verified container by container
 * (state, restarts, Docker health) through the watch window, the HTTP health URL probed from here,
 * and last that the same tasks still run it. Tasks on other nodes count by their task state.
 */
async function verifySwarm(
  ctx: RunContext,
  api: SwarmApi,
  swarmService: string,
  image: string,
  step: "verify" | "rollback-verify",
  nodeId: string | null,
): Promise<{ ok: boolean; detail: string; verify: VerifyResult | null }> {
  let verify: VerifyResult | null = null;
  const log = (line: string) => appendArtifact(ctx.dir, "verify.log", line);
  log(step === "verify" ? `== verify ${image} ==` : `== verify after rollback: ${image} ==`);
  const events = () =>
    ctx.docker.watchContainers
      ? ctx.docker.watchContainers([`com.docker.swarm.service.name=${swarmService}`])
      : Promise.resolve(idleWatch("this Docker client has no events stream"));
  const outcome = await runStep(ctx, step, async () => {
    const deadline = Date.now() + ctx.start.timeoutMs;
    // Subscribed before the first look: a task that starts or turns healthy wakes the wait at once.
    const watch = await events();
    const rollout = await waitForRollout(api, swarmService, {
      image,
      deadline,
      log,
      wait: (ms) => watch.next(ms),
    }).finally(() => watch.close());
    if (!rollout.ok) return { ok: false, detail: `rollout: ${rollout.reason}` };
    const { local, remote } = splitByNode(rollout.running, nodeId ?? (await api.managerNodeId()) ?? "");
    if (remote.length)
      log(
        `${remote.length} task(s) on other nodes: judged by swarm's task state (running only after their HEALTHCHECK passed)`,
      );
    const options = {
      service: swarmService,
      healthUrl: ctx.start.healthUrl ?? undefined,
      timeoutMs: Math.max(1_000, deadline - Date.now()),
      watchMs: ctx.start.watchMs,
      log,
      events,
    };
    verify = local.length ? await verifyTasks(ctx.docker, local, options) : await verifyRemoteOnly(options);
    if (!verify.ok) return { ok: false, detail: `${verify.phase}: ${verify.reason}` };
    const service = await api.inspectService(swarmService);
    const after = service ? judgeRollout(service, await api.tasks(swarmService), image, 0) : null;
    const before = rollout.running.map((t) => t.id).sort();
    const still = after?.running.map((t) => t.id).sort() ?? [];
    if (!after?.converged || before.join() !== still.join())
      return {
        ok: false,
        detail: `watch: the tasks changed during the watch window (${after?.failed ?? after?.summary ?? "service gone"})`,
      };
    const where = remote.length
      ? ` (${local.length} verified on this node, ${remote.length} by task state)`
      : "";
    return {
      ok: true,
      detail: `${before.length} task(s) on ${image}${where}; ${verify.phase}: ${verify.reason}`,
    };
  });
  if (step === "rollback-verify")
    appendArtifact(ctx.dir, "rollback.log", `verify after rollback: ${outcome.detail}`);
  return { ok: outcome.ok, detail: outcome.detail, verify };
}

/**
 * Back to the image the service ran before. Idempotent (a restarted runner does it again): nothing
 * when the spec runs it already (swarm may have rolled back by itself), `docker service rollback`
 * when the previous spec is that image, else `service update --image` to it; then verified again.
 */
async function rollbackSwarm(
  ctx: RunContext,
  api: SwarmApi,
  target: SwarmTarget,
  why: string,
  verify: ProbeSummary | null,
): Promise<ResultFields> {
  const previous = target.previousImage;
  const name = target.swarmService;
  if (!previous) {
    appendArtifact(
      ctx.dir,
      "rollback.log",
      `no previous image to roll back to (first deploy): scaling ${name} to 0. ${why}`,
    );
    const stopped = await runStep(ctx, "stop", async () => {
      const result = await composeCommand(ctx, "stop", serviceScaleToZeroArgv(name), "rollback.log");
      return result.exitCode === 0
        ? { ok: true, detail: `${name} scaled to 0` }
        : { ok: false, detail: failed(result, "docker service scale") };
    });
    const workspaceSha = await restoreWorkspace(ctx);
    return stopped.ok
      ? {
          status: "failed",
          reason: `${why}; there was no previous image to roll back to (first deploy), so the service was scaled to 0: it is not running`,
          verify,
          workspaceSha,
        }
      : {
          status: "rollback_failed",
          reason: `${why}; no previous image, and scaling the service to 0 failed (it may still be serving): ${stopped.detail}`,
          verify,
          workspaceSha,
        };
  }
  appendArtifact(ctx.dir, "rollback.log", `rolling back ${name} to ${previous}: ${why}`);
  const back = await runStep(ctx, "rollback-up", async () => {
    const service = await api.inspectService(name);
    if (!service) return { ok: false, detail: `service ${name} does not exist any more` };
    if (service.image === previous) {
      appendArtifact(ctx.dir, "rollback.log", `the service spec runs ${previous} already`);
      return { ok: true, detail: `${name} already on ${previous}` };
    }
    const argv =
      service.previousImage === previous
        ? serviceRollbackArgv(name)
        : serviceUpdateArgv(name, previous, { registry: false });
    const result = await composeCommand(ctx, "rollback-up", argv, "rollback.log");
    return result.exitCode === 0
      ? { ok: true, detail: `${argv.slice(1, 3).join(" ")} -> ${previous}` }
      : { ok: false, detail: failed(result, argv.slice(0, 3).join(" ")) };
  });
  if (!back.ok)
    return {
      status: "rollback_failed",
      reason: `${why}; rollback failed: ${back.detail}`,
      verify,
      workspaceSha: ctx.targetSha,
    };
  const again = await verifySwarm(ctx, api, name, previous, "rollback-verify", null);
  const workspaceSha = await restoreWorkspace(ctx);
  return again.ok
    ? {
        status: "rolled_back",
        reason: `${why}; rolled back to the previous image ${previous}`,
        verify,
        rollbackVerify: summarizeVerify(again.verify),
        workspaceSha,
      }
    : {
        status: "rollback_failed",
        reason: `${why}; the previous image did not verify either: ${again.detail}`,
        verify,
        rollbackVerify: summarizeVerify(again.verify),
        workspaceSha,
      };
}

/** A run of this engine finished from its journal: by a restarted runner, or in the process whose deploy threw. */
async function recover(
  ctx: RunContext,
  view: RunView,
  action: Exclude<RecoveryAction, "none" | "report">,
  mode: RecoveryMode,
  why: string,
): Promise<DeployResult> {
  const api = createSwarmApi(ctx.env);
  const target = readEvents(ctx.dir)
    .filter((e): e is SwarmTarget => e.type === "swarm-target")
    .at(-1);
  // Without a swarm-target event the service was never touched (it is journaled before `up`).
  if (!target || action === "abandon") {
    const workspaceSha = view.workspaceHeadBefore ? await restoreWorkspace(ctx) : null;
    return finishRun(ctx, {
      status: "failed",
      reason: `${why}; the running service was not touched`,
      workspaceSha,
    });
  }
  if (action === "settle" && mode === "restart") {
    const service = await api.inspectService(target.swarmService).catch(() => null);
    if (service?.image === target.image)
      return keepIfVerified(
        ctx,
        () => verifySwarm(ctx, api, target.swarmService, target.image, "verify", null),
        (reason, verify) => rollbackSwarm(ctx, api, target, reason, verify),
        (detail) => `${why}; verification after the restart failed: ${detail}`,
      );
    return finishRun(
      ctx,
      await rollbackSwarm(ctx, api, target, `${why}; the new image is not what the service runs`, null),
    );
  }
  return finishRun(ctx, await rollbackSwarm(ctx, api, target, redact(why), null));
}

export const swarmEngine: DeployEngine = { name: "swarm", deploy, recover };
