/**
 * What the monitor keeps per service (persisted in the state dir, so counters survive a restart) and
 * how one check changes it. Pure: the circuit breaker, the counters and incident detection, decided
 * from the check's structured outcome, never from its wording.
 */
import { CLOSED, recordCheck, type Circuit, type CircuitSettings } from "./circuit-breaker.js";
import type { CheckCause, CheckOutcome } from "./check-outcome.js";

export type IncidentKind = "crash_loop" | "exited" | "unhealthy";

export interface Incident {
  kind: IncidentKind;
  /** ISO time the incident was detected. */
  startedAt: string;
  containerId: string | null;
  /** What the check that opened it found. */
  check: CheckCause | null;
  detail: string;
  exitCode: number | null;
  restartCount: number | null;
  /** Restarts since the last good check. */
  restarts: number;
  /** Failed checks in a row when it was detected. */
  failedChecks: number;
  /** The runtime-failure dispatch went out (or was decided against): never sent twice. */
  reported: boolean;
  /** The container was restarted for it (`monitor.restart_on_failure`). */
  restarted: boolean;
}

export interface ServiceRecord {
  circuit: Circuit;
  totalChecks: number;
  successfulChecks: number;
  /** ISO time of the last check, null before the first. */
  lastCheck: string | null;
  lastOk: boolean | null;
  responseTimeMs: number | null;
  errorMessage: string | null;
  /** The container the last check saw, and its restart count then. */
  containerId: string | null;
  lastRestartCount: number | null;
  /** Restart count at the last good check: restarts since then count towards a crash-loop. */
  restartBaseline: number | null;
  /** The open incident; null once a good check without new restarts closes it. */
  incident: Incident | null;
}

export interface IncidentSettings {
  /** Failed checks in a row of a running container (HTTP / Docker health) that make an incident. */
  unhealthyThreshold: number;
  /** Restarts since the last good check that make a crash-loop. */
  crashLoopRestarts: number;
}

export const EMPTY_RECORD: ServiceRecord = {
  circuit: CLOSED,
  totalChecks: 0,
  successfulChecks: 0,
  lastCheck: null,
  lastOk: null,
  responseTimeMs: null,
  errorMessage: null,
  containerId: null,
  lastRestartCount: null,
  restartBaseline: null,
  incident: null,
};

export interface CheckApplied {
  record: ServiceRecord;
  /** An incident this check opened. */
  opened: Incident | null;
  /** The incident this check closed. */
  closed: Incident | null;
}

/** The record after one check that took `responseTimeMs`, finished at `now`. */
export function applyCheck(
  previous: ServiceRecord,
  outcome: CheckOutcome,
  responseTimeMs: number,
  now: number,
  settings: CircuitSettings & IncidentSettings,
): CheckApplied {
  const replaced =
    outcome.containerId !== null &&
    previous.containerId !== null &&
    outcome.containerId !== previous.containerId;
  // A new container (a deploy or a recreate) starts its own restart count and ends the old incident.
  const baseline = replaced ? null : previous.restartBaseline;
  const openIncident = replaced ? null : previous.incident;
  const circuit = recordCheck(previous.circuit, outcome.ok, now, settings);
  const restartCount = outcome.restartCount;
  const base: ServiceRecord = {
    circuit,
    totalChecks: previous.totalChecks + 1,
    successfulChecks: previous.successfulChecks + (outcome.ok ? 1 : 0),
    lastCheck: new Date(now).toISOString(),
    lastOk: outcome.ok,
    responseTimeMs: Math.round(responseTimeMs),
    errorMessage: outcome.error,
    containerId: outcome.containerId ?? (replaced ? null : previous.containerId),
    lastRestartCount: restartCount ?? previous.lastRestartCount,
    restartBaseline: baseline ?? restartCount,
    incident: openIncident,
  };
  const closedByReplacement = replaced ? previous.incident : null;
  const restarts =
    restartCount !== null && base.restartBaseline !== null ? restartCount - base.restartBaseline : 0;
  const restartedSinceLast =
    restartCount !== null &&
    previous.lastRestartCount !== null &&
    !replaced &&
    restartCount > previous.lastRestartCount;

  if (openIncident) {
    // Closed by a good check during which the container did not restart again.
    if (outcome.ok && !restartedSinceLast) {
      return {
        record: { ...base, incident: null, restartBaseline: restartCount },
        opened: null,
        closed: openIncident,
      };
    }
    return { record: base, opened: null, closed: closedByReplacement };
  }

  const kind = incidentKind(outcome, restarts, circuit.consecutiveFailures, settings);
  if (kind) {
    const incident: Incident = {
      kind,
      startedAt: base.lastCheck!,
      containerId: outcome.containerId,
      check: outcome.cause,
      detail: outcome.error ?? `restarted ${restarts} times since the last good check`,
      exitCode: outcome.exitCode,
      restartCount,
      restarts,
      failedChecks: circuit.consecutiveFailures,
      reported: false,
      restarted: false,
    };
    return { record: { ...base, incident }, opened: incident, closed: closedByReplacement };
  }
  // A good check moves the crash-loop baseline up: only restarts after it count.
  const record = outcome.ok && !restartedSinceLast ? { ...base, restartBaseline: restartCount } : base;
  return { record, opened: null, closed: closedByReplacement };
}

/**
 * Which incident a check shows: a crash-loop (restarting, or `crashLoopRestarts` restarts since the
 * last good check), an exited container, or a running container that failed its health checks
 * `unhealthyThreshold` times in a row. A missing container (never started here) and a Docker API
 * failure (the runner's problem, not the service's) are failed checks but no incident.
 */
export function incidentKind(
  outcome: CheckOutcome,
  restarts: number,
  consecutiveFailures: number,
  settings: IncidentSettings,
): IncidentKind | null {
  if (outcome.cause === "restarting" || restarts >= settings.crashLoopRestarts) return "crash_loop";
  if (outcome.cause === "exited") return "exited";
  if (
    (outcome.cause === "unhealthy" || outcome.cause === "http" || outcome.cause === "timeout") &&
    consecutiveFailures >= settings.unhealthyThreshold
  )
    return "unhealthy";
  return null;
}
