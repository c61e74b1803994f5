/**
 * The monitor's settings and service list from the repository config (`monitor:` and `services:`).
 * Pure. The defaults live in the schema (src/config/schema.ts) only: a parsed config always has them.
 */
import { composeServiceName, durationMs } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import type { CircuitSettings } from "./circuit-breaker.js";
import type { IncidentSettings } from "./service-record.js";

export interface MonitorSettings extends CircuitSettings, IncidentSettings {
  intervalMs: number;
  timeoutMs: number;
  restartOnFailure: boolean;
}

export interface MonitoredService {
  /** The config key (the name in `/health/status`, locks and dispatches). */
  name: string;
  composeService: string;
  healthUrl: string | null;
  intervalMs: number;
}

export function monitorSettings(config: OrchestratorConfig): MonitorSettings {
  const m = config.monitor;
  return {
    intervalMs: durationMs(m.interval),
    timeoutMs: durationMs(m.timeout),
    failureThreshold: m.failure_threshold,
    recoveryMs: durationMs(m.recovery_timeout),
    successThreshold: m.success_threshold,
    unhealthyThreshold: m.unhealthy_threshold,
    crashLoopRestarts: m.crash_loop_restarts,
    restartOnFailure: m.restart_on_failure,
  };
}

export function monitoredServices(config: OrchestratorConfig): MonitoredService[] {
  const settings = monitorSettings(config);
  return Object.entries(config.services).map(([name, service]) => ({
    name,
    composeService: composeServiceName(name, service),
    healthUrl: service.health?.url ?? null,
    intervalMs:
      service.health?.interval !== undefined ? durationMs(service.health.interval) : settings.intervalMs,
  }));
}
