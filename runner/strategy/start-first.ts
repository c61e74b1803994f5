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
import { containerHealthUrl, missingAliases, newReplicas, servingNetworks } from "./switch-state.js";

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
  // As many new containers as there were old ones (one on a first deploy): n -> 2n -> n.
  const wanted = Math.max(1, before.length);
  const record: SwitchPlanRecord = {
    drainMs: plan.drainMs,
    preStop: plan.preStop,
    stopGraceS: plan.stopGraceS,
  };
  const scale = before.length + wanted;
  appendEvent(ctx.dir, { type: "switch-plan", at: now(), oldContainers, scale, plan: record });
  log(
    ctx,
    `start-first: old container(s) ${oldContainers.map(short).join(", ") || "(none)"}; scaling ${service} to ${scale} (${wanted} new)`,
  );

  let newIds: string[] = [];
  const up = await runStep(ctx, "scale-up", async () => {
    const began = Date.now();
    const result = await composeCommand(
      ctx,
      "scale-up",
      scaleUpArgv(ctx.compose, service, scale),
      "restart.log",
    );
    const composeMs = Date.now() - began;
    // Compose may have created containers even when it failed afterwards: find them either way.
    newIds = newReplicas(oldContainers, await replicas.list(project, service)).map((r) => r.id);
    for (const id of newIds) appendEvent(ctx.dir, { type: "new-container", at: now(), containerId: id });
    if (result.exitCode !== 0)
      return {
        ok: false,
        detail: `compose up --scale exited ${result.exitCode}: ${result.spawnError ?? tail(result.stderr || result.stdout)}`,
      };
    if (newIds.length !== wanted)
      return {
        ok: false,
        detail: `compose up --scale created ${newIds.length} new container(s), not ${wanted}`,
      };
    // Out of the service's DNS name until verified: a proxy resolving it keeps sending every request
    // to the old container(s). Nothing to hide on a first deploy (nothing else serves).
    const hidden = (await servingNetworksFor(replicas, oldContainers)) !== null;
    for (const id of newIds) {
      if (hidden)
        for (const net of Object.keys((await replicas.networks(id)).networks))
          await replicas.attach(id, net, []);
      await replicas.start(id);
    }
    return {
      ok: true,
      detail: `new container(s) ${newIds.map(short).join(", ")} started next to ${oldContainers.length} old${hidden ? ", outside the service's DNS name until verified" : ""} (compose ${composeMs} ms, attach and start ${Date.now() - began - composeMs} ms)`,
    };
  });
  if (!up.ok || newIds.length === 0)
    return abortSwitch(ctx, oldContainers, replicas, `starting the new container failed: ${up.detail}`, null);

  const verified = await verifyNew(ctx, replicas, newIds, plan.monitorMs);
  const verify = summarizeVerify(verified.verify);
  if (!verified.ok)
    return abortSwitch(
      ctx,
      oldContainers,
      replicas,
      `verification of the new container failed: ${verified.detail}`,
      verify,
    );
  for (const id of newIds) appendEvent(ctx.dir, { type: "new-verified", at: now(), containerId: id });

  const removed = await completeSwitch(ctx, oldContainers, newIds, record, replicas);
  return {
    status: "success",
    reason: `deployed ${ctx.targetSha!.slice(0, 12)} start-first: new container(s) ${newIds.map(short).join(", ")} ${verified.detail}; ${removed}`,
    verify,
    workspaceSha: ctx.targetSha,
  };
}

/**
 * The networks and service aliases the new containers must get to serve, copied from the first old
 * container still there; null when no old container is left (first deploy, or all removed).
 */
async function servingNetworksFor(
  replicas: ReplicaOps,
  oldContainers: string[],
): Promise<Record<string, string[]> | null> {
  for (const id of oldContainers) {
    const found = await replicas.networks(id).catch(() => null);
    if (found) return servingNetworks({ id, ...found });
  }
  return null;
}

async function verifyNew(
  ctx: RunContext,
  replicas: ReplicaOps,
  containerIds: string[],
  monitorMs: number | null,
): Promise<{ ok: boolean; detail: string; verify: VerifyResult | null }> {
  let verify: VerifyResult | null = null;
  const many = containerIds.length > 1;
  appendArtifact(
    ctx.dir,
    "verify.log",
    `== verify new container(s) ${containerIds.map(short).join(", ")}, each alone ==`,
  );
  const watchMs = Math.max(ctx.start.watchMs, monitorMs ?? 0);
  const outcome = await runStep(ctx, "verify-new", async () => {
    const one = async (containerId: string) => {
      const line = (text: string) =>
        appendArtifact(ctx.dir, "verify.log", many ? `[${short(containerId)}] ${text}` : text);
      let healthUrl: string | undefined;
      if (ctx.start.healthUrl) {
        const address = await replicas.address(ctx.compose.project, containerId);
        if (!address) return { id: containerId, result: null };
        healthUrl = containerHealthUrl(ctx.start.healthUrl, address);
        line(`health URL of the new container: ${healthUrl}`);
      }
      const limit = ctx.start.timeoutMs + watchMs + VERIFY_SLACK_MS;
      const result = await withDeadline(`verification of ${short(containerId)}`, limit, () =>
        verifyService(ctx.docker, {
          project: ctx.compose.project,
          service: ctx.start.composeService,
          containerId,
          healthUrl,
          timeoutMs: ctx.start.timeoutMs,
          watchMs,
          log: line,
        }),
      );
      return { id: containerId, result };
    };
    const results = await Promise.all(containerIds.map(one));
    const failed = results.find((r) => !r.result?.ok);
    verify = (failed ?? results[0])!.result;
    if (failed && !failed.result)
      return {
        ok: false,
        detail: `new container ${short(failed.id)} has no address on the compose network`,
      };
    const detail = (r: (typeof results)[number]) => `${r.result!.phase}: ${r.result!.reason}`;
    if (failed) return { ok: false, detail: `${many ? `${short(failed.id)}: ` : ""}${detail(failed)}` };
    return {
      ok: true,
      detail: many ? results.map((r) => `${short(r.id)} ${detail(r)}`).join("; ") : detail(results[0]!),
    };
  });
  return { ...outcome, verify };
}

/**
 * The verified new containers join the service's DNS aliases (copied from an old container), then
 * the old ones drain (pre-stop hook, drain time) and are stopped and removed. Idempotent.
 */
async function completeSwitch(
  ctx: RunContext,
  oldContainers: string[],
  newContainers: string[],
  plan: SwitchPlanRecord,
  replicas: ReplicaOps,
): Promise<string> {
  if (oldContainers.length === 0) return "no old container to remove (first deploy)";
  const present = new Set(
    (await replicas.list(ctx.compose.project, ctx.start.composeService)).map((r) => r.id),
  );
  const remaining = oldContainers.filter((id) => present.has(id));
  const serving = remaining.length > 0 ? await servingNetworksFor(replicas, remaining) : null;
  if (serving) {
    const joined = await runStep(ctx, "join-new", async () => {
      const notes: string[] = [];
      for (const id of newContainers) {
        const missing = missingAliases((await replicas.networks(id)).networks, serving);
        for (const net of missing) await replicas.attach(id, net, serving[net]!);
        notes.push(
          missing.length
            ? `${short(id)} joined ${missing.map((net) => `${net} as ${serving[net]!.join(", ") || "(no alias)"}`).join("; ")}`
            : `${short(id)} already serves`,
        );
      }
      log(ctx, `start-first: ${notes.join("; ")}`);
      return { ok: true, detail: notes.join("; ") };
    });
    // Without its DNS name the new version serves nobody: keep the old one rather than remove it.
    if (!joined.ok)
      return `the new container(s) could not join the service's DNS name, the old one(s) keep serving: ${joined.detail}`;
  }
  if (plan.preStop || plan.drainMs > 0) {
    await runStep(ctx, "drain-old", async () => {
      const notes: string[] = [];
      for (const id of plan.preStop ? remaining : []) {
        const result = await composeCommand(ctx, "drain-old", preStopArgv(id, plan.preStop!), "restart.log");
        notes.push(`pre-stop in ${short(id)} exited ${result.exitCode}`);
        log(ctx, `pre-stop in ${short(id)} exited ${result.exitCode}`);
      }
      if (plan.drainMs > 0) await sleep(plan.drainMs);
      notes.push(`drained ${plan.drainMs} ms`);
      // A failing hook does not stop the switch: the new version verified, the old one goes anyway.
      return { ok: true, detail: notes.join("; ") };
    });
  }
  const removed = await runStep(ctx, "remove-old", async () => {
    // All at once: each may take its whole stop grace period.
    await Promise.all(
      remaining.map(async (id) => {
        await replicas.stop(id, plan.stopGraceS);
        await replicas.remove(id);
        log(ctx, `old container ${short(id)} stopped (grace ${plan.stopGraceS} s) and removed`);
      }),
    );
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
    await Promise.all(fresh.map((r) => replicas.remove(r.id)));
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
    const fresh = newReplicas(
      state.oldContainers,
      await replicas.list(ctx.compose.project, ctx.start.composeService),
    );
    const stopped = fresh.filter((r) => !r.running);
    if (fresh.length > 0 && stopped.length === 0) {
      const ids = fresh.map((r) => r.id);
      const removed = state.oldRemoved
        ? "old container(s) already removed"
        : await completeSwitch(ctx, state.oldContainers, ids, state.plan, replicas);
      return {
        status: "success",
        reason: `${why}; the new container(s) ${ids.map(short).join(", ")} had verified and still run: switch finished, ${removed}`,
        workspaceSha: ctx.targetSha,
      };
    }
    const current = await ctx.docker.inspectContainer(stopped[0]?.id ?? state.newContainer).catch(() => null);
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
