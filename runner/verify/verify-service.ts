import type { VerifyCause, VerifyFailure } from "../../contract/verification.js";
import type { DockerOps } from "../docker/docker-ops.js";
import { idleWatch, type EventWatch } from "../docker/events.js";
import type { ContainerState } from "../docker/state.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { probeHttp } from "./http-probe.js";
import { judgeStart, judgeWatch, startProbes, type HttpObservation, type Probe } from "./verdict.js";

export interface VerifyOptions {
  project: string;
  service: string;
  /** Verify this container alone (by id) instead of the service's running one. */
  containerId?: string;
  /** HTTP health URL; without it only the container and Docker health are checked. */
  healthUrl?: string;
  timeoutMs: number;
  watchMs: number;
  backoff?: BackoffOptions;
  watchIntervalMs?: number;
  /** Receives one line per probe (verify.log). */
  log?: (line: string) => void;
  /**
   * Opens the events stream to wake on, instead of the compose service's (`watchService`): a swarm
   * service's tasks carry swarm labels, not compose ones.
   */
  events?: () => Promise<EventWatch>;
}

export interface VerifyResult {
  ok: boolean;
  /** Where it ended: `start` (never became healthy), `watch` (crashed after), `done` (passed both). */
  phase: "start" | "watch" | "done";
  reason: string;
  /** Why it failed, for machines; absent when it passed. */
  cause?: VerifyCause;
  /** Whether the container itself was seen stopped or restarting; absent when it passed. */
  crashed?: boolean;
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
/** Longest one HTTP probe may take; a hanging connection is cut here and retried. */
const HTTP_PROBE_MS = 2_000;
/**
 * The first start-phase probes get less: a published port whose container is not listening yet can
 * accept and then hold the connection, and the verifier should not sit on it while Docker reports
 * the container healthy. Each probe that got no answer doubles the next one's time, up to 2 s, so a
 * slow health endpoint still gets its answer.
 */
const FIRST_HTTP_PROBE_MS = 500;

/**
 * Start phase, then watch window. Both wake on the service's Docker events (health changes, die,
 * restart, start) when the engine streams them, and on their own timers otherwise: the HTTP health
 * URL is probed at once and then on the backoff, the watch window inspects on its interval. Every
 * wait and every probe is bounded, so this always settles within about timeout + watch.
 */
export async function verifyService(docker: DockerOps, options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  // Subscribe before the first look, so that nothing that happens after it is missed.
  const open =
    options.events ?? (docker.watchService && (() => docker.watchService!(options.project, options.service)));
  const events: EventWatch = open
    ? await open().catch((error: Error) => idleWatch(`events stream unavailable: ${error.message}`))
    : idleWatch("this Docker client has no events stream");
  if (open && !events.live) options.log?.(`note: ${events.why}; polling on the backoff instead`);
  try {
    return await verifyWith(docker, events, options, started);
  } finally {
    events.close();
  }
}

async function verifyWith(
  docker: DockerOps,
  events: EventWatch,
  options: VerifyOptions,
  started: number,
): Promise<VerifyResult> {
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
    failure?: VerifyFailure,
  ): Promise<VerifyResult> => {
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
      ...(ok ? {} : { cause: failure?.cause ?? "timeout", crashed: failure?.crashed ?? false }),
      probes,
      containerId: container?.id ?? null,
      imageId: container?.imageId ?? null,
      logsTail,
      durationMs: ended - started,
      startMs: (healthyAt ?? ended) - started,
      watchMs: healthyAt === null ? 0 : ended - healthyAt,
    };
  };
  /** One Docker look that cannot throw: an unanswered call is an observation like any other. */
  const look = async (what: () => Promise<ContainerState | null>) => {
    try {
      return { container: await what(), error: null };
    } catch (error) {
      return { container: null, error: (error as Error).message };
    }
  };

  // Start phase: probe at once, then again on each Docker event or backoff tick, until everything
  // passes, something fails for good, or the timeout is spent.
  const deadline = started + options.timeoutMs;
  let container: ContainerState | null = null;
  let first: { id: string; restartCount: number } | null = null;
  let last: { reason: string } & VerifyFailure = { reason: "no probe ran", cause: "timeout", crashed: false };
  let httpProbeMs = FIRST_HTTP_PROBE_MS;
  let restarted = 0;
  for (let attempt = 0; ; attempt++) {
    const seen = await look(() =>
      options.containerId
        ? docker.inspectContainer(options.containerId)
        : docker.findServiceContainer(options.project, options.service),
    );
    container = seen.container;
    if (seen.error) {
      record([{ at: new Date().toISOString(), kind: "container", ok: false, detail: seen.error }]);
      last = { reason: seen.error, cause: "timeout", crashed: false };
    } else {
      if (container && (!first || first.id !== container.id))
        first = { id: container.id, restartCount: container.restartCount };
      const remaining = Math.max(0, deadline - Date.now());
      const http: HttpObservation | null =
        options.healthUrl && container?.running
          ? await probeHttp(options.healthUrl, Math.min(httpProbeMs, Math.max(100, remaining)))
          : null;
      if (http?.timedOut) httpProbeMs = Math.min(HTTP_PROBE_MS, httpProbeMs * 2);
      record(startProbes(new Date().toISOString(), container, http));
      const restarts = container && first ? container.restartCount - first.restartCount : 0;
      restarted = Math.max(restarted, restarts);
      const verdict = judgeStart(
        container,
        options.healthUrl && !http ? { ok: false, detail: "not probed: container not running" } : http,
        restarts,
      );
      if (verdict.kind === "pass") break;
      if (verdict.kind === "fail") return finish(false, "start", verdict.reason, container, verdict);
      last = verdict;
    }
    const left = deadline - Date.now();
    // Restarting during the whole start phase without ever passing is a crash loop, even when the
    // engine's growing restart delay kept the count below the crash-loop threshold.
    if (left <= 0 && restarted > 0)
      return finish(
        false,
        "start",
        `crash-loop: restarted ${restarted} time(s) and not healthy within ${options.timeoutMs} ms: ${last.reason}`,
        container,
        { cause: "crash_loop", crashed: true },
      );
    if (left <= 0) {
      return finish(false, "start", `not healthy within ${options.timeoutMs} ms: ${last.reason}`, container, {
        cause: last.cause,
        crashed: last.crashed,
      });
    }
    await events.next(Math.min(backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF), left));
  }

  // Watch phase: the same container must stay up, not restart and not turn unhealthy. Looks happen
  // on every Docker event and at least every interval.
  healthyAt = Date.now();
  options.log?.(
    `${new Date(healthyAt).toISOString()} start phase passed; watching for ${options.watchMs} ms`,
  );
  const baseline = container!;
  const watchEnd = healthyAt + options.watchMs;
  const interval = options.watchIntervalMs ?? 500;
  let unanswered: string | null = null;
  while (Date.now() < watchEnd) {
    await events.next(Math.min(interval, Math.max(0, watchEnd - Date.now())));
    const seen = await look(() => docker.inspectContainer(baseline.id));
    const at = new Date().toISOString();
    if (seen.error) {
      unanswered = seen.error;
      record([{ at, kind: "watch", ok: false, detail: seen.error }]);
      continue;
    }
    unanswered = null;
    const current = seen.container;
    const verdict = judgeWatch(baseline, current);
    const detail = current
      ? `${current.status}, restarts ${current.restartCount}, health ${current.health}`
      : "container gone";
    record([
      {
        at,
        kind: "watch",
        ok: verdict.kind === "pass",
        detail: verdict.kind === "fail" ? verdict.reason : detail,
        ...(verdict.kind === "pass" && current ? { restartCount: current.restartCount } : {}),
      },
    ]);
    if (verdict.kind === "fail") return finish(false, "watch", verdict.reason, current ?? baseline, verdict);
  }
  if (unanswered)
    return finish(
      false,
      "watch",
      `Docker did not answer at the end of the watch window: ${unanswered}`,
      baseline,
      { cause: "timeout", crashed: false },
    );
  // One last HTTP answer at the end of the window, so a service that stopped serving is caught too.
  if (options.healthUrl) {
    const http = await probeHttp(options.healthUrl, HTTP_PROBE_MS);
    record([{ at: new Date().toISOString(), kind: "http", ok: http.ok, detail: http.detail }]);
    if (!http.ok)
      return finish(
        false,
        "watch",
        `HTTP health failed at the end of the watch window: ${http.detail}`,
        baseline,
        { cause: "http", crashed: false },
      );
  }
  return finish(true, "done", `healthy, and stayed up for the ${options.watchMs} ms watch window`, baseline);
}
