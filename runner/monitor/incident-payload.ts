/**
 * The `orchestrator.runtime_failure` dispatch for an incident the monitor found outside a deploy: the
 * same `{service, log}` the deploy side sends (redacted, cut to fit), plus a structured `cause` the app
 * can read without matching words. Pure.
 */
import { MAX_CLIENT_PAYLOAD_BYTES } from "../../contract/runtime-failure.js";
import { runtimeFailurePayload } from "../github/report/runtime-crash.js";
import type { Incident } from "./service-record.js";

export interface IncidentCause {
  source: "monitor";
  kind: Incident["kind"];
  /** What the check that opened it found: exited, restarting, unhealthy, http, timeout. */
  check: string | null;
  detail: string;
  container_id: string | null;
  exit_code: number | null;
  restart_count: number | null;
  restarts: number;
  failed_checks: number;
  detected_at: string;
}

export interface IncidentPayload {
  service: string;
  log: string;
  cause: IncidentCause;
}

export function incidentCause(incident: Incident): IncidentCause {
  return {
    source: "monitor",
    kind: incident.kind,
    check: incident.check,
    detail: incident.detail.slice(0, 1000),
    container_id: incident.containerId,
    exit_code: incident.exitCode,
    restart_count: incident.restartCount,
    restarts: incident.restarts,
    failed_checks: incident.failedChecks,
    detected_at: incident.startedAt,
  };
}

/** The payload, or why none is sent (no log lines: nothing for the app to diagnose). */
export function incidentPayload(
  service: string,
  incident: Incident,
  logsTail: string,
): { send: true; payload: IncidentPayload } | { send: false; reason: string } {
  if (!logsTail.trim()) return { send: false, reason: "the container left no log lines to diagnose" };
  const cause = incidentCause(incident);
  const causeBytes = Buffer.byteLength(JSON.stringify({ cause }), "utf8");
  const { log } = runtimeFailurePayload(service, logsTail, MAX_CLIENT_PAYLOAD_BYTES - causeBytes);
  return { send: true, payload: { service, log, cause } };
}
