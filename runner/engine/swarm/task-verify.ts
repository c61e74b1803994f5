import type { DockerOps } from "../../docker/docker-ops.js";
import type { EventWatch } from "../../docker/events.js";
import { probeHttp } from "../../verify/http-probe.js";
import { verifyService, type VerifyResult } from "../../verify/verify-service.js";
import type { SwarmTask } from "./swarm-api.js";

/** `task 2 (k3x9v1q0a8b2)`: how a task is named in verify.log and in probe details. */
export function taskLabel(task: SwarmTask): string {
  return `task ${task.slot ?? "-"} (${task.id.slice(0, 12)})`;
}

/**
 * Which running tasks this node can verify itself (their containers are on this engine) and which
 * run elsewhere. A remote task is judged by swarm's task state alone: `running` comes only after the
 * container's own HEALTHCHECK passed, and the watch window's closing task list catches a replaced one.
 */
export function splitByNode(
  tasks: SwarmTask[],
  localNodeId: string,
): { local: SwarmTask[]; remote: SwarmTask[] } {
  const local = tasks.filter((t) => t.containerId && (!localNodeId || t.nodeId === localNodeId));
  return { local, remote: tasks.filter((t) => !local.includes(t)) };
}

/**
 * One result for the service from one per task: it passes only when every task passed; otherwise
 * it is the first failed task's (phase, reason, cause, logs), its reason naming the task. Every
 * task's probes are kept, each detail prefixed with its task; the start phase is the slowest task's.
 */
export function combineTaskResults(checks: Array<{ task: SwarmTask; result: VerifyResult }>): VerifyResult {
  if (checks.length === 0) throw new Error("no task to combine");
  const failed = checks.find((c) => !c.result.ok);
  const lead = failed ?? checks[0]!;
  const label = (c: { task: SwarmTask }) => (checks.length > 1 ? `${taskLabel(c.task)}: ` : "");
  return {
    ...lead.result,
    reason: `${label(lead)}${lead.result.reason}`,
    probes: checks.flatMap((c) => c.result.probes.map((p) => ({ ...p, detail: `${label(c)}${p.detail}` }))),
    durationMs: Math.max(...checks.map((c) => c.result.durationMs)),
    startMs: Math.max(...checks.map((c) => c.result.startMs)),
    watchMs: Math.min(...checks.map((c) => c.result.watchMs)),
  };
}

export interface TaskVerifyOptions {
  service: string;
  /** Probed once per look, from this node, by the first task's verifier (see README: the URL as seen from the manager). */
  healthUrl?: string;
  timeoutMs: number;
  watchMs: number;
  log: (line: string) => void;
  events: () => Promise<EventWatch>;
}

/**
 * Verifies every given task's container at once (state, restarts, Docker health, through the watch
 * window). The HTTP health URL is one address for the whole service (published port, load balancer),
 * not one per task, so only the first task's verifier probes it.
 */
export async function verifyTasks(
  docker: DockerOps,
  tasks: SwarmTask[],
  options: TaskVerifyOptions,
): Promise<VerifyResult> {
  const checks = await Promise.all(
    tasks.map(async (task, i) => {
      const prefix = tasks.length > 1 ? `${taskLabel(task)} ` : "";
      const result = await verifyService(docker, {
        project: "",
        service: options.service,
        containerId: task.containerId!,
        ...(i === 0 && options.healthUrl ? { healthUrl: options.healthUrl } : {}),
        timeoutMs: options.timeoutMs,
        watchMs: options.watchMs,
        log: (line) => options.log(`${prefix}${line}`),
        events: options.events,
      });
      return { task, result };
    }),
  );
  return combineTaskResults(checks);
}

/**
 * No task runs on this node (every one is on a worker): swarm's task state is all there is of the
 * tasks, so this waits out the watch window (the caller then compares the task list) and asks the
 * health URL, as seen from this node, at its end.
 */
export async function verifyRemoteOnly(options: TaskVerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, options.watchMs));
  const http = options.healthUrl ? await probeHttp(options.healthUrl, 2_000) : null;
  const at = new Date().toISOString();
  if (http) options.log(`${at} http          ${http.ok ? "ok  " : "FAIL"} ${http.detail}`);
  const ok = !http || http.ok;
  const durationMs = Date.now() - started;
  return {
    ok,
    phase: ok ? "done" : "watch",
    reason: ok
      ? `no task on this node: judged by task state${http ? " and the health URL" : ""} through the ${options.watchMs} ms watch window`
      : `HTTP health failed at the end of the watch window: ${http!.detail}`,
    ...(ok ? {} : { cause: "http" as const, crashed: false }),
    probes: http ? [{ at, kind: "http", ok: http.ok, detail: http.detail }] : [],
    containerId: null,
    imageId: null,
    logsTail: "",
    durationMs,
    startMs: 0,
    watchMs: durationMs,
  };
}
