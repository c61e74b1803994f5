/**
 * The start-first switch: start the new container next to the old one(s), verify it alone, then
 * drain, stop and remove the old one(s). On failure only the new container is removed: the old one
 * never stopped. Every step is journaled first, so a restarted runner finishes it (settleSwitch).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { appendArtifact } from "../artifacts/artifacts.js";
import type { ProbeSummary, SwitchPlanRecord } from "../journal/events.js";
import { appendEvent } from "../journal/journal-file.js";
import type { RunView } from "../journal/run-view.js";
import type { ResultFields, RunContext } from "../pipeline/run-context.js";
import { composeCommand, restoreWorkspace, runStep, summarizeVerify, tail } from "../pipeline/steps.js";
import { withDeadline } from "../verify/deadline.js";
import { verifyService, type VerifyResult } from "../verify/verify-service.js";
import { redact } from "../../src/redact/redactor.js";
import { preStopArgv, scaleUpArgv } from "./argv.js";
import { createReplicaOps, type ReplicaOps } from "./replicas.js";
import { containerHealthUrl, newReplicas } from "./switch-state.js";

const now = () => new Date().toISOString();
const short = (id: string) => id.slice(0, 12);
/** Time the verifier may take beyond its timeout + watch window (Docker calls, the last probes). */
const VERIFY_SLACK_MS = 60_000;

function log(ctx: RunContext, line: string): void {
  appendArtifact(ctx.dir, "restart.log", line);
}

/** Runs the switch for a run whose image is built; returns the result fields. */
export async function startFirst(
  ctx: RunContext,
  replicas: ReplicaOps = createReplicaOps(ctx.env),
): Promise<ResultFields> {
  const plan = ctx.strategy!;
  const { project } = ctx.compose;
  const service = ctx.start.composeService;
  for (const note of plan.notes) log(ctx, note);
  const before = await replicas.list(project, service);
  const oldContainers = before.map((r) => r.id);
  const record: SwitchPlanRecord = {
    drainMs: plan.drainMs,
    preStop: plan.preStop,
    stopGraceS: plan.stopGraceS,
  };
  const scale = before.length + 1;
  appendEvent(ctx.dir, { type: "switch-plan", at: now(), oldContainers, scale, plan: record });
  log(
    ctx,
    `start-first: old container(s) ${oldContainers.map(short).join(", ") || "(none)"}; scaling ${service} to ${scale}`,
  );

  let newId: string | null = null;
  const up = await runStep(ctx, "scale-up", async () => {
    const result = await composeCommand(
      ctx,
      "scale-up",
      scaleUpArgv(ctx.compose, service, scale),
      "restart.log",
    );
    // Compose may have created the container even when it failed afterwards: find it either way.
    const fresh = newReplicas(oldContainers, await replicas.list(project, service));
    if (fresh[0]) {
      newId = fresh[0].id;
      appendEvent(ctx.dir, { type: "new-container", at: now(), containerId: newId });
    }
    if (result.exitCode !== 0)
      return {
        ok: false,
        detail: `compose up --scale exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`,
      };
    if (!newId) return { ok: false, detail: "compose up --scale created no new container" };
    return { ok: true, detail: `new container ${short(newId)} started next to ${oldContainers.length} old` };
  });
  if (!up.ok || !newId)
    return abortSwitch(ctx, oldContainers, replicas, `starting the new container failed: ${up.detail}`, null);

  const verified = await verifyNew(ctx, replicas, newId, plan.monitorMs);
  const verify = summarizeVerify(verified.verify);
  if (!verified.ok)
    return abortSwitch(
      ctx,
      oldContainers,
      replicas,
      `verification of the new container failed: ${verified.detail}`,
      verify,
    );
  appendEvent(ctx.dir, { type: "new-verified", at: now(), containerId: newId });

  const removed = await completeSwitch(ctx, oldContainers, record, replicas);
  return {
    status: "success",
    reason: `deployed ${ctx.targetSha!.slice(0, 12)} start-first: new container ${short(newId)} ${verified.detail}; ${removed}`,
    verify,
    workspaceSha: ctx.targetSha,
  };
}

async function verifyNew(
  ctx: RunContext,
  replicas: ReplicaOps,
  containerId: string,
  monitorMs: number | null,
): Promise<{ ok: boolean; detail: string; verify: VerifyResult | null }> {
  let verify: VerifyResult | null = null;
  appendArtifact(ctx.dir, "verify.log", `== verify new container ${short(containerId)} alone ==`);
  const watchMs = Math.max(ctx.start.watchMs, monitorMs ?? 0);
  const outcome = await runStep(ctx, "verify-new", async () => {
    let healthUrl: string | undefined;
    if (ctx.start.healthUrl) {
      const address = await replicas.address(ctx.compose.project, containerId);
      if (!address)
        return {
          ok: false,
          detail: `new container ${short(containerId)} has no address on the compose network`,
        };
      healthUrl = containerHealthUrl(ctx.start.healthUrl, address);
      appendArtifact(ctx.dir, "verify.log", `health URL of the new container: ${healthUrl}`);
    }
    const limit = ctx.start.timeoutMs + watchMs + VERIFY_SLACK_MS;
    verify = await withDeadline(`verification of ${short(containerId)}`, limit, () =>
      verifyService(ctx.docker, {
        project: ctx.compose.project,
        service: ctx.start.composeService,
        containerId,
        healthUrl,
        timeoutMs: ctx.start.timeoutMs,
        watchMs,
        log: (line) => appendArtifact(ctx.dir, "verify.log", line),
      }),
    );
    return { ok: verify.ok, detail: `${verify.phase}: ${verify.reason}` };
  });
  return { ...outcome, verify };
}

/** Drain (pre-stop hook, drain time), then stop and remove the old containers. Idempotent. */
async function completeSwitch(
  ctx: RunContext,
  oldContainers: string[],
  plan: SwitchPlanRecord,
  replicas: ReplicaOps,
): Promise<string> {
  if (oldContainers.length === 0) return "no old container to remove (first deploy)";
  const present = new Set(
    (await replicas.list(ctx.compose.project, ctx.start.composeService)).map((r) => r.id),
  );
  const remaining = oldContainers.filter((id) => present.has(id));
  if (plan.preStop || plan.drainMs > 0) {
    await runStep(ctx, "drain-old", async () => {
      const notes: string[] = [];
      for (const id of plan.preStop ? remaining : []) {
        const result = await composeCommand(ctx, "drain-old", preStopArgv(id, plan.preStop!), "restart.log");
        notes.push(`pre-stop in ${short(id)} exited ${result.exitCode}`);
      }
      if (plan.drainMs > 0) await sleep(plan.drainMs);
      notes.push(`drained ${plan.drainMs} ms`);
      // A failing hook does not stop the switch: the new version verified, the old one goes anyway.
      return { ok: true, detail: notes.join("; ") };
    });
  }
  const removed = await runStep(ctx, "remove-old", async () => {
    for (const id of remaining) {
      await replicas.stop(id, plan.stopGraceS);
      await replicas.remove(id);
      log(ctx, `old container ${short(id)} stopped (grace ${plan.stopGraceS} s) and removed`);
    }
    return {
      ok: true,
      detail: `old container(s) ${oldContainers.map(short).join(", ")} stopped and removed`,
    };
  });
  if (removed.ok) {
    appendEvent(ctx.dir, { type: "old-removed", at: now(), containerIds: oldContainers });
    return removed.detail;
  }
  return `removing the old container(s) failed, both versions may serve until they are removed: ${removed.detail}`;
}

/** Removes every container of the service that was not there before, points the image tag back, restores the workspace. */
async function abortSwitch(
  ctx: RunContext,
  oldContainers: string[],
  replicas: ReplicaOps,
  why: string,
  verify: ProbeSummary | null,
): Promise<ResultFields> {
  appendArtifact(
    ctx.dir,
    "rollback.log",
    `start-first: ${why}\nremoving the new container; the old one kept serving`,
  );
  const point = ctx.rollbackPoint;
  const removed = await runStep(ctx, "remove-new", async () => {
    const fresh = newReplicas(
      oldContainers,
      await replicas.list(ctx.compose.project, ctx.start.composeService),
    );
    for (const r of fresh) await replicas.remove(r.id);
    // The build moved the service's image tag; a later `up` must not start the image that failed.
    if (point && ctx.serviceImage) await ctx.docker.tagImage(point.imageId, ctx.serviceImage);
    const evidence = await oldEvidence(ctx, oldContainers);
    appendEvent(ctx.dir, { type: "new-removed", at: now(), containerIds: fresh.map((r) => r.id) });
    const what = fresh.length
      ? `new container ${fresh.map((r) => short(r.id)).join(", ")} removed`
      : "no new container to remove";
    appendArtifact(ctx.dir, "rollback.log", `${what}; ${evidence}`);
    return { ok: true, detail: `${what}; ${evidence}` };
  });
  const workspaceSha = await restoreWorkspace(ctx);
  if (!removed.ok)
    return {
      status: "rollback_failed",
      reason: `${why}; removing the new container failed: ${removed.detail}`,
      verify,
      workspaceSha,
    };
  if (!point)
    return {
      status: "failed",
      reason: `${why}; ${removed.detail}; there was no previous container (first deploy): the service is not running`,
      verify,
      workspaceSha,
    };
  return {
    status: "rolled_back",
    reason: `${why}; rolled back: ${removed.detail}, never stopped`,
    verify,
    workspaceSha,
  };
}

async function oldEvidence(ctx: RunContext, oldContainers: string[]): Promise<string> {
  const states = await Promise.all(
    oldContainers.map(async (id) => {
      const state = await ctx.docker.inspectContainer(id).catch(() => null);
      return `old container ${short(id)} ${state ? `${state.status}, health ${state.health}` : "gone"}`;
    }),
  );
  return states.join("; ") || "no old container";
}

/**
 * Finishes a switch a runner stopped in (killed, or an error): after the new container verified and
 * while it still runs, remove the old ones; otherwise remove the new one. Every step is idempotent.
 */
export async function settleSwitch(
  ctx: RunContext,
  view: RunView,
  why: string,
  replicas: ReplicaOps = createReplicaOps(ctx.env),
): Promise<ResultFields> {
  const state = view.switch!;
  if (!state.newRemoved && state.verified && state.newContainer) {
    const current = await ctx.docker.inspectContainer(state.newContainer).catch(() => null);
    if (current?.running) {
      const removed = state.oldRemoved
        ? "old container(s) already removed"
        : await completeSwitch(ctx, state.oldContainers, state.plan, replicas);
      return {
        status: "success",
        reason: `${why}; the new container ${short(state.newContainer)} had verified and still runs: switch finished, ${removed}`,
        workspaceSha: ctx.targetSha,
      };
    }
    return abortSwitch(
      ctx,
      state.oldContainers,
      replicas,
      `${why}; the verified new container no longer runs (${redact(current?.status ?? "gone")})`,
      null,
    );
  }
  return abortSwitch(ctx, state.oldContainers, replicas, `${why}; the new container was not verified`, null);
}
