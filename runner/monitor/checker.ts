/**
 * One health check of one service, against the real engine: the service's container (running, not
 * restarting, Docker health) through the monitor's engine client (monitor-docker.ts), then its HTTP health URL (health-probe.ts). The whole check
 * has one deadline; the HTTP probe gets what is left of it.
 */
import type { ContainerState } from "../docker/state.js";
import { DeadlineError, withDeadline } from "../verify/deadline.js";
import { checkOutcome, failedCheck, type CheckOutcome } from "./check-outcome.js";
import { probeHealthUrl } from "./health-probe.js";
import type { MonitoredService } from "./monitor-settings.js";

/** What the monitor asks the engine (monitor-docker.ts on the real one; tests may swap in a fake). */
export interface MonitorDocker {
  /** Throws, naming the endpoint, when the daemon does not answer. */
  ping(): Promise<void>;
  /** The service's container by Compose labels (not one-off `run` containers), or null. */
  findServiceContainer(project: string, service: string): Promise<ContainerState | null>;
  logsTail(containerId: string, lines: number): Promise<string>;
  /** Restarts a container (only with `monitor.restart_on_failure`). */
  restartContainer?(id: string): Promise<void>;
  /** Releases what the engine client holds open (an events stream). */
  close?(): void;
}

export interface CheckResult {
  outcome: CheckOutcome;
  responseTimeMs: number;
}

export async function checkService(
  docker: MonitorDocker,
  project: string,
  service: MonitoredService,
  timeoutMs: number,
): Promise<CheckResult> {
  const began = performance.now();
  const left = () => Math.max(0, timeoutMs - (performance.now() - began));
  let outcome: CheckOutcome;
  try {
    outcome = await withDeadline(`health check of ${service.name}`, timeoutMs, async () => {
      const container = await docker.findServiceContainer(project, service.composeService);
      if (!container?.running || container.restarting || !service.healthUrl)
        return checkOutcome({ container });
      const first = checkOutcome({ container });
      if (!first.ok) return first;
      return checkOutcome({ container, http: await probeHealthUrl(service.healthUrl, left() - 50) });
    });
  } catch (error) {
    outcome =
      error instanceof DeadlineError
        ? failedCheck("check_timeout", `the check got no answer within ${timeoutMs} ms`)
        : failedCheck("docker", error instanceof Error ? error.message : String(error));
  }
  return { outcome, responseTimeMs: performance.now() - began };
}
