import type { VerifyCause } from "../../contract/verification.js";
import type { ContainerState } from "../docker/state.js";

/** One check the verifier made; all of them end up in verify.log and summary.json. */
export interface Probe {
  at: string;
  kind: "container" | "docker-health" | "http" | "watch";
  ok: boolean;
  detail: string;
  /** The container's restart count as this probe saw it (container probes, and watch probes that passed). */
  restartCount?: number;
}

export interface HttpObservation {
  ok: boolean;
  detail: string;
  /** The HTTP status when the server answered at all (absent: refused, reset, no answer in time). */
  status?: number;
  /** True when the probe was cut at its deadline with no answer. */
  timedOut?: boolean;
}

/**
 * A `retry` carries the cause it would become if the start phase ran out of time while it lasted.
 * `cause` says why for machines (the reason says it for people); `crashed` says whether the container
 * itself was seen stopped or restarting (contract/verification.ts).
 */
export type Verdict =
  | { kind: "pass" }
  | { kind: "retry"; reason: string; cause: VerifyCause; crashed: boolean }
  | { kind: "fail"; reason: string; cause: VerifyCause; crashed: boolean };

/**
 * Restarts seen during the start phase that make a crash-loop: a service may die once or twice
 * while what it needs comes up, but three restarts under a restart policy will not settle.
 */
export const CRASH_LOOP_RESTARTS = 3;

function describeExit(c: ContainerState): string {
  return `container ${c.name} is ${c.status} (exit code ${c.exitCode})`;
}

/** Docker says the container stopped or is between restarts (not merely unhealthy). */
function stoppedOrRestarting(c: ContainerState): boolean {
  return c.status === "exited" || c.status === "dead" || c.status === "restarting";
}

/**
 * Start phase: the container must run without restarting, be `healthy` when its image defines a
 * HEALTHCHECK, and answer the HTTP health URL (when one is configured). Things that may still settle
 * are `retry`; things that will not are `fail` so the runner does not wait out the whole timeout.
 */
export function judgeStart(
  container: ContainerState | null,
  http: HttpObservation | null,
  /** Restarts of this same container since the start phase first saw it. */
  restartsSinceStart = 0,
): Verdict {
  if (!container)
    return {
      kind: "fail",
      reason: "the service has no container after `up`",
      cause: "exited",
      crashed: false,
    };
  const exitedForGood =
    (container.status === "exited" || container.status === "dead") &&
    (container.restartPolicy === "" || container.restartPolicy === "no");
  if (exitedForGood)
    return {
      kind: "fail",
      reason: `${describeExit(container)} and has no restart policy`,
      cause: "exited",
      crashed: true,
    };
  if (restartsSinceStart >= CRASH_LOOP_RESTARTS) {
    return {
      kind: "fail",
      reason: `crash-loop: restarted ${restartsSinceStart} time(s) during verification (last exit code ${container.exitCode})`,
      cause: "crash_loop",
      crashed: true,
    };
  }
  if (container.restarting)
    return {
      kind: "retry",
      reason: `container ${container.name} is restarting (restart count ${container.restartCount})`,
      cause: "crash_loop",
      crashed: true,
    };
  if (!container.running)
    return {
      kind: "retry",
      reason: describeExit(container),
      cause: "exited",
      crashed: stoppedOrRestarting(container),
    };
  if (container.health === "unhealthy") {
    const reason = `Docker health is unhealthy${container.healthOutput ? `: ${container.healthOutput}` : ""}`;
    // Up and answering with an error: both checks agree, waiting will not help. Not answering yet:
    // a slow starter (Docker health turns healthy again once it listens), so wait for the timeout.
    if (http && !http.ok && http.status !== undefined)
      return {
        kind: "fail",
        reason: `${reason}; HTTP health: ${http.detail}`,
        cause: "unhealthy",
        crashed: false,
      };
    return { kind: "retry", reason, cause: "unhealthy", crashed: false };
  }
  if (container.health === "starting")
    return { kind: "retry", reason: "Docker health is still starting", cause: "timeout", crashed: false };
  if (http && !http.ok)
    return { kind: "retry", reason: `HTTP health: ${http.detail}`, cause: "http", crashed: false };
  return { kind: "pass" };
}

/**
 * Watch phase: after the first pass, anything that shows the container is not staying up fails the
 * deploy: it was replaced or removed, it restarted (a crash-loop resets health, so count restarts),
 * it stopped, or Docker health turned unhealthy.
 */
export function judgeWatch(baseline: ContainerState, current: ContainerState | null): Verdict {
  if (!current)
    return {
      kind: "fail",
      reason: "the container disappeared during the watch window",
      cause: "exited",
      crashed: false,
    };
  if (current.id !== baseline.id)
    return {
      kind: "fail",
      reason: "the container was replaced during the watch window",
      cause: "exited",
      crashed: false,
    };
  if (current.restartCount > baseline.restartCount) {
    return {
      kind: "fail",
      reason: `crash-loop: restarted ${current.restartCount - baseline.restartCount} time(s) during the watch window (last exit code ${current.exitCode})`,
      cause: "crash_loop",
      crashed: true,
    };
  }
  if (current.restarting || !current.running)
    return {
      kind: "fail",
      reason: `during the watch window ${describeExit(current)}`,
      cause: current.restarting ? "crash_loop" : "exited",
      crashed: stoppedOrRestarting(current),
    };
  if (current.health === "unhealthy") {
    return {
      kind: "fail",
      reason: `Docker health turned unhealthy during the watch window${current.healthOutput ? `: ${current.healthOutput}` : ""}`,
      cause: "unhealthy",
      crashed: false,
    };
  }
  return { kind: "pass" };
}

/** The probes one start-phase observation produced, for the record. */
export function startProbes(
  at: string,
  container: ContainerState | null,
  http: HttpObservation | null,
): Probe[] {
  const probes: Probe[] = [
    {
      at,
      kind: "container",
      ok: !!container && container.running && !container.restarting,
      detail: container
        ? `${container.status}, restarts ${container.restartCount}, image ${container.imageId.slice(7, 19)}`
        : "no container",
      ...(container ? { restartCount: container.restartCount } : {}),
    },
  ];
  if (container && container.health !== "none") {
    probes.push({
      at,
      kind: "docker-health",
      ok: container.health === "healthy",
      detail: container.health + (container.healthOutput ? `: ${container.healthOutput}` : ""),
    });
  }
  if (http) probes.push({ at, kind: "http", ok: http.ok, detail: http.detail });
  return probes;
}
