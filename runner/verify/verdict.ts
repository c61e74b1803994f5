import type { ContainerState } from "../docker/state.js";

/** One check the verifier made; all of them end up in verify.log and summary.json. */
export interface Probe {
  at: string;
  kind: "container" | "docker-health" | "http" | "watch";
  ok: boolean;
  detail: string;
}

export interface HttpObservation {
  ok: boolean;
  detail: string;
}

export type Verdict = { kind: "pass" } | { kind: "retry"; reason: string } | { kind: "fail"; reason: string };

function describeExit(c: ContainerState): string {
  return `container ${c.name} is ${c.status} (exit code ${c.exitCode})`;
}

/**
 * Start phase: the container must run without restarting, be `healthy` when its image defines a
 * HEALTHCHECK, and answer the HTTP health URL (when one is configured). Things that may still settle
 * are `retry`; things that will not are `fail` so the runner does not wait out the whole timeout.
 */
export function judgeStart(container: ContainerState | null, http: HttpObservation | null): Verdict {
  if (!container) return { kind: "fail", reason: "the service has no container after `up`" };
  const exitedForGood =
    (container.status === "exited" || container.status === "dead") &&
    (container.restartPolicy === "" || container.restartPolicy === "no");
  if (exitedForGood) return { kind: "fail", reason: `${describeExit(container)} and has no restart policy` };
  if (container.restarting)
    return {
      kind: "retry",
      reason: `container ${container.name} is restarting (restart count ${container.restartCount})`,
    };
  if (!container.running) return { kind: "retry", reason: describeExit(container) };
  if (container.health === "unhealthy") {
    return {
      kind: "fail",
      reason: `Docker health is unhealthy${container.healthOutput ? `: ${container.healthOutput}` : ""}`,
    };
  }
  if (container.health === "starting") return { kind: "retry", reason: "Docker health is still starting" };
  if (http && !http.ok) return { kind: "retry", reason: `HTTP health: ${http.detail}` };
  return { kind: "pass" };
}

/**
 * Watch phase: after the first pass, anything that shows the container is not staying up fails the
 * deploy: it was replaced or removed, it restarted (a crash-loop resets health, so count restarts),
 * it stopped, or Docker health turned unhealthy.
 */
export function judgeWatch(baseline: ContainerState, current: ContainerState | null): Verdict {
  if (!current) return { kind: "fail", reason: "the container disappeared during the watch window" };
  if (current.id !== baseline.id)
    return { kind: "fail", reason: "the container was replaced during the watch window" };
  if (current.restartCount > baseline.restartCount) {
    return {
      kind: "fail",
      reason: `crash-loop: restarted ${current.restartCount - baseline.restartCount} time(s) during the watch window (last exit code ${current.exitCode})`,
    };
  }
  if (current.restarting || !current.running)
    return { kind: "fail", reason: `during the watch window ${describeExit(current)}` };
  if (current.health === "unhealthy") {
    return {
      kind: "fail",
      reason: `Docker health turned unhealthy during the watch window${current.healthOutput ? `: ${current.healthOutput}` : ""}`,
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
