import type { SwarmApi, SwarmServiceState, SwarmTask } from "./swarm-api.js";

/** Task states from which a task never runs again. */
const ENDED = new Set(["complete", "failed", "shutdown", "rejected", "orphaned", "remove"]);
/**
 * Swarm stopped the rollout towards the spec's image (failure_action pause). A rollback swarm did by
 * itself (failure_action rollback) shows as a spec image other than the one expected.
 */
const GAVE_UP = new Set(["paused", "rollback_paused"]);

export interface RolloutView {
  /** Every task swarm wants running runs `image`, and there are as many as the service wants. */
  converged: boolean;
  /** Swarm stopped the rollout, or a task of `image` failed: no point waiting longer. */
  failed: string | null;
  /** The tasks that run `image` now. */
  running: SwarmTask[];
  summary: string;
}

/** How far the service is towards running `image` on every task (pure: one inspect and task list). */
export function judgeRollout(
  service: SwarmServiceState,
  tasks: SwarmTask[],
  image: string,
  failuresAllowed: number,
): RolloutView {
  const wanted = tasks.filter((t) => t.desiredState === "running");
  const running = wanted.filter((t) => t.image === image && t.state === "running");
  const stale = wanted.filter((t) => t.image !== image);
  const failedNew = tasks.filter((t) => t.image === image && ENDED.has(t.state) && t.state !== "shutdown");
  const count = service.replicas ?? wanted.length;
  const summary =
    `${running.length}/${count} task(s) running ${image}` +
    (stale.length ? `, ${stale.length} still on another image` : "") +
    (failedNew.length ? `, ${failedNew.length} failed` : "") +
    (service.updateState ? ` (swarm update: ${service.updateState})` : "");
  let failed: string | null = null;
  if (service.image !== image)
    failed = `the service spec runs ${service.image}, not ${image} (changed by someone else, or rolled back by swarm)`;
  else if (service.updateState && GAVE_UP.has(service.updateState))
    failed = `swarm stopped the rollout (${service.updateState}): ${service.updateMessage || "no message"}`;
  else if (failedNew.length > failuresAllowed) {
    const last = failedNew[0]!;
    failed = `${failedNew.length} task(s) of ${image} failed (last: ${last.state}${last.error ? `: ${last.error}` : ""})`;
  }
  return {
    converged: failed === null && stale.length === 0 && running.length === count && count > 0,
    failed,
    running,
    summary,
  };
}

export interface WaitOptions {
  image: string;
  deadline: number;
  /** Tasks of the new image that may fail (restart_policy) before the rollout counts as failed. */
  failuresAllowed?: number;
  log: (line: string) => void;
  intervalMs?: number;
  /**
   * Waits at most `ms` before the next look: the engine passes the service's container events
   * (`EventWatch.next`), so a task that starts, turns healthy or dies is seen at once. Default: a sleep.
   */
  wait?: (ms: number) => Promise<unknown>;
}

/** Looks until every task runs `image` (ok), the rollout fails, or the deadline passes. */
export async function waitForRollout(
  api: SwarmApi,
  serviceName: string,
  options: WaitOptions,
): Promise<{ ok: true; running: SwarmTask[] } | { ok: false; reason: string }> {
  let last = "";
  for (;;) {
    const service = await api.inspectService(serviceName);
    if (!service) return { ok: false, reason: `service ${serviceName} does not exist` };
    const view = judgeRollout(
      service,
      await api.tasks(serviceName),
      options.image,
      options.failuresAllowed ?? 2,
    );
    if (view.summary !== last) options.log(`${new Date().toISOString()} rollout      ${view.summary}`);
    last = view.summary;
    if (view.failed) return { ok: false, reason: view.failed };
    if (view.converged) return { ok: true, running: view.running };
    if (Date.now() >= options.deadline)
      return { ok: false, reason: `not every task runs ${options.image} in time: ${view.summary}` };
    const ms = Math.min(options.intervalMs ?? 100, Math.max(0, options.deadline - Date.now()));
    await (options.wait ? options.wait(ms) : new Promise((resolve) => setTimeout(resolve, ms)));
  }
}
