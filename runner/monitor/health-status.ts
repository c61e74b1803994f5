/**
 * The `/health/status` document, aggregated from the monitor's records. Pure. The shape is the one
 * operators' dashboards read: `{timestamp, services: {<name>: {...}}, overall_health}`.
 */
import { circuitAt, type CircuitSettings, type CircuitState } from "./circuit-breaker.js";
import type { ServiceRecord } from "./service-record.js";

export type ServiceHealth = "healthy" | "unhealthy" | "unknown" | "circuit_open";
export type OverallHealth = "healthy" | "degraded" | "unhealthy";

export interface ServiceStatus {
  health: ServiceHealth;
  last_check: string | null;
  response_time_ms: number | null;
  error_message: string | null;
  consecutive_failures: number;
  total_checks: number;
  successful_checks: number;
  uptime_percentage: number;
  circuit_breaker_state: CircuitState;
}

export interface HealthStatus {
  timestamp: string;
  services: Record<string, ServiceStatus>;
  overall_health: OverallHealth;
}

export function serviceStatus(record: ServiceRecord, now: number, settings: CircuitSettings): ServiceStatus {
  const circuit = circuitAt(record.circuit, now, settings);
  const health: ServiceHealth =
    circuit.state === "open"
      ? "circuit_open"
      : record.lastOk === null
        ? "unknown"
        : record.lastOk
          ? "healthy"
          : "unhealthy";
  return {
    health,
    last_check: record.lastCheck,
    response_time_ms: record.responseTimeMs,
    error_message: record.errorMessage,
    consecutive_failures: circuit.consecutiveFailures,
    total_checks: record.totalChecks,
    successful_checks: record.successfulChecks,
    uptime_percentage: uptimePercentage(record),
    circuit_breaker_state: circuit.state,
  };
}

/** Good checks over all checks, in percent with two decimals; 0 before the first check. */
export function uptimePercentage(record: Pick<ServiceRecord, "totalChecks" | "successfulChecks">): number {
  if (record.totalChecks === 0) return 0;
  return Math.round((record.successfulChecks / record.totalChecks) * 10_000) / 100;
}

/**
 * `healthy` when every service is healthy; `unhealthy` when none is (every one unhealthy, circuit
 * open or not checked yet) and at least one failed; `degraded` otherwise (some healthy, some not, or
 * nothing checked yet).
 */
export function overallHealth(services: ServiceStatus[]): OverallHealth {
  if (services.length > 0 && services.every((s) => s.health === "healthy")) return "healthy";
  const anyHealthy = services.some((s) => s.health === "healthy");
  const anyFailed = services.some((s) => s.health === "unhealthy" || s.health === "circuit_open");
  return !anyHealthy && anyFailed ? "unhealthy" : "degraded";
}

export function healthStatus(
  records: Record<string, ServiceRecord>,
  now: number,
  settings: CircuitSettings,
): HealthStatus {
  const services: Record<string, ServiceStatus> = {};
  for (const name of Object.keys(records).sort())
    services[name] = serviceStatus(records[name]!, now, settings);
  return {
    timestamp: new Date(now).toISOString(),
    services,
    overall_health: overallHealth(Object.values(services)),
  };
}
