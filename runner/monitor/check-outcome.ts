/**
 * What one health check found, decided from what Docker and the HTTP health URL said. Pure; the
 * checker (checker.ts) gathers the observation. The `cause` is structured: incidents and their
 * dispatch use it, never the wording of `error`.
 */
import type { ContainerState } from "../docker/state.js";
import type { HttpObservation } from "../verify/verdict.js";

export type CheckCause =
  | "missing"
  | "exited"
  | "restarting"
  | "unhealthy"
  | "http"
  | "timeout"
  | "docker"
  /** The whole check passed its deadline (the Docker API did not answer in time). */
  | "check_timeout";

export interface CheckObservation {
  /** The service's container; null when there is none. */
  container: ContainerState | null;
  /** The HTTP health URL's answer; absent without a URL or when the container is not running. */
  http?: HttpObservation;
}

export interface CheckOutcome {
  ok: boolean;
  cause: CheckCause | null;
  error: string | null;
  /** The container's restart count (null without a container). */
  restartCount: number | null;
  containerId: string | null;
  exitCode: number | null;
}

export function checkOutcome(observation: CheckObservation): CheckOutcome {
  const c = observation.container;
  if (!c) return fail("missing", "no container for the service", null);
  if (c.restarting)
    return fail("restarting", `container ${c.name} is restarting (exit code ${c.exitCode})`, c);
  if (!c.running) return fail("exited", `container ${c.name} is ${c.status} (exit code ${c.exitCode})`, c);
  if (c.health === "unhealthy")
    return fail(
      "unhealthy",
      `container ${c.name} is unhealthy${c.healthOutput ? `: ${c.healthOutput}` : ""}`,
      c,
    );
  const http = observation.http;
  if (http && !http.ok) return fail(http.timedOut ? "timeout" : "http", http.detail, c);
  return { ok: true, cause: null, error: null, ...fromContainer(c) };
}

/** A check that could not finish: the Docker API failed or the whole check passed its deadline. */
export function failedCheck(cause: "docker" | "check_timeout", error: string): CheckOutcome {
  return { ok: false, cause, error, restartCount: null, containerId: null, exitCode: null };
}

function fail(cause: CheckCause, error: string, c: ContainerState | null): CheckOutcome {
  return {
    ok: false,
    cause,
    error,
    ...(c ? fromContainer(c) : { restartCount: null, containerId: null, exitCode: null }),
  };
}

function fromContainer(c: ContainerState) {
  return { restartCount: c.restartCount, containerId: c.id, exitCode: c.running ? null : c.exitCode };
}
