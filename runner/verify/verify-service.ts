import { setTimeout as sleep } from "node:timers/promises";
import type { DockerOps } from "../docker/docker-ops.js";
import type { ContainerState } from "../docker/state.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { probeHttp } from "./http-probe.js";
import { judgeStart, judgeWatch, startProbes, type HttpObservation, type Probe } from "./verdict.js";

export interface VerifyOptions {
  project: string;
  service: string;
  /** HTTP health URL; without it only the container and Docker health are checked. */
  healthUrl?: string;
  timeoutMs: number;
  watchMs: number;
  backoff?: BackoffOptions;
  watchIntervalMs?: number;
  /** Receives one line per probe (verify.log). */
  log?: (line: string) => void;
}

export interface VerifyResult {
  ok: boolean;
  /** Where it ended: `start` (never became healthy), `watch` (crashed after), `done` (passed both). */
  phase: "start" | "watch" | "done";
  reason: string;
  probes: Probe[];
  containerId: string | null;
  imageId: string | null;
  /** The container's last log lines when verification failed (raw; redact before it leaves). */
  logsTail: string;
  durationMs: number;
  /** Time spent in the start phase (until healthy, or until it gave up). */
  startMs: number;
  /** Time spent in the watch window, including its closing HTTP probe (0 when it never got there). */
  watchMs: number;
}

const LOG_TAIL_LINES = 40;

export async function verifyService(docker: DockerOps, options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  let healthyAt: number | null = null;
  const probes: Probe[] = [];
  const record = (batch: Probe[]) => {
    for (const probe of batch) {
      probes.push(probe);
      options.log?.(`${probe.at} ${probe.kind.padEnd(13)} ${probe.ok ? "ok  " : "FAIL"} ${probe.detail}`);
    }
  };
  const finish = async (
    ok: boolean,
    phase: VerifyResult["phase"],
    reason: string,
    container: ContainerState | null,
  ) => {
    let logsTail = "";
    if (!ok && container) {
      logsTail = await docker
        .logsTail(container.id, LOG_TAIL_LINES)
        .catch((e: Error) => `(logs unavailable: ${e.message})`);
      options.log?.(`--- last ${LOG_TAIL_LINES} log lines of ${container.name} ---\n${logsTail}`);
    }
    options.log?.(`verdict: ${ok ? "healthy" : "FAILED"} (${phase}) ${reason}`);
    const ended = Date.now();
    return {
      ok,
      phase,
      reason,
      probes,
      containerId: container?.id ?? null,
      imageId: container?.imageId ?? null,
      logsTail,
      durationMs: ended - started,
      startMs: (healthyAt ?? ended) - started,
      watchMs: healthyAt === null ? 0 : ended - healthyAt,
    };
  };

  // Start phase: probe with exponential backoff until everything passes or the timeout is spent.
  const deadline = started + options.timeoutMs;
  let container: ContainerState | null = null;
  let lastReason = "no probe ran";
  for (let attempt = 0; ; attempt++) {
    container = await docker.findServiceContainer(options.project, options.service);
    const remaining = Math.max(0, deadline - Date.now());
    const http: HttpObservation | null =
      options.healthUrl && container?.running
        ? await probeHttp(options.healthUrl, Math.min(2_000, remaining))
        : null;
    record(startProbes(new Date().toISOString(), container, http));
    const verdict = judgeStart(
      container,
      options.healthUrl && !http ? { ok: false, detail: "not probed: container not running" } : http,
    );
    if (verdict.kind === "pass") break;
    if (verdict.kind === "fail") return finish(false, "start", verdict.reason, container);
    lastReason = verdict.reason;
    const left = deadline - Date.now();
    if (left <= 0) {
      return finish(false, "start", `not healthy within ${options.timeoutMs} ms: ${lastReason}`, container);
    }
    await sleep(Math.min(backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF), left));
  }

  // Watch phase: the same container must stay up, not restart and not turn unhealthy.
  healthyAt = Date.now();
  const baseline = container!;
  const watchEnd = Date.now() + options.watchMs;
  const interval = options.watchIntervalMs ?? 500;
  while (Date.now() < watchEnd) {
    await sleep(Math.min(interval, Math.max(0, watchEnd - Date.now())));
    const current = await docker.inspectContainer(baseline.id);
    const verdict = judgeWatch(baseline, current);
    const at = new Date().toISOString();
    const detail = current
      ? `${current.status}, restarts ${current.restartCount}, health ${current.health}`
      : "container gone";
    record([
      {
        at,
        kind: "watch",
        ok: verdict.kind === "pass",
        detail: verdict.kind === "fail" ? verdict.reason : detail,
      },
    ]);
    if (verdict.kind === "fail") return finish(false, "watch", verdict.reason, current ?? baseline);
  }
  // One last HTTP answer at the end of the window, so a service that stopped serving is caught too.
  if (options.healthUrl) {
    const http = await probeHttp(options.healthUrl, 2_000);
    record([{ at: new Date().toISOString(), kind: "http", ok: http.ok, detail: http.detail }]);
    if (!http.ok)
      return finish(
        false,
        "watch",
        `HTTP health failed at the end of the watch window: ${http.detail}`,
        baseline,
      );
  }
  return finish(true, "done", `healthy, and stayed up for the ${options.watchMs} ms watch window`, baseline);
}
