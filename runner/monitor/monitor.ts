/**
 * The health monitor: checks every configured service on its interval (concurrently, each check with
 * its own deadline), keeps the records (circuit breaker, counters, incidents) in the state dir, and
 * hands each incident to `onIncident` once. Services the runner is deploying are left to the deploy's
 * own verification. It changes nothing on the host unless `monitor.restart_on_failure` is set.
 */
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { redact } from "../../src/redact/redactor.js";
import { errorMessage } from "../../github/errors.js";
import type { RunnerLog } from "../github/log.js";
import { allowsCheck } from "./circuit-breaker.js";
import { checkService, type MonitorDocker } from "./checker.js";
import type { CheckOutcome } from "./check-outcome.js";
import { isDeploying as lockHeld } from "./deploy-lock.js";
import { healthStatus, type HealthStatus } from "./health-status.js";
import {
  monitoredServices,
  monitorSettings,
  type MonitoredService,
  type MonitorSettings,
} from "./monitor-settings.js";
import { loadRecords, saveRecords } from "./monitor-store.js";
import { applyCheck, EMPTY_RECORD, type Incident, type ServiceRecord } from "./service-record.js";

/** What became of an incident's report: sent, or not sent and why (never retried). */
export type IncidentReport = { sent: true } | { sent: false; reason: string };

export interface MonitorOptions {
  project: string;
  stateDir: string;
  docker: MonitorDocker;
  /** The current config (read on every round, so a config change applies without a restart). */
  config: () => OrchestratorConfig;
  log: RunnerLog;
  /** Default: the service's deploy lock is held by a live runner. */
  isDeploying?: (service: string) => boolean;
  /** Reports an incident (the runtime-failure dispatch); a throw is retried on the next check. */
  onIncident?: (service: string, incident: Incident, logsTail: string) => Promise<IncidentReport>;
  /** Every finished check (metrics). */
  onCheck?: (service: string, record: ServiceRecord, outcome: CheckOutcome, opened: Incident | null) => void;
  now?: () => number;
}

export interface Monitor {
  /** Starts the schedule; checks begin at once. */
  start(): void;
  /** Stops the schedule and waits for the round in progress. */
  stop(): Promise<void>;
  /** Checks every service now (those whose circuit is open stay suspended) and returns the status. */
  checkNow(): Promise<HealthStatus>;
  status(): HealthStatus;
  records(): Readonly<Record<string, ServiceRecord>>;
  /** How many rounds have finished (a round checks every service that was due). */
  readonly rounds: number;
}

const LOG_TAIL_LINES = 200;
/**
 * Counters alone are written at most this often (a crash loses at most this much of them); a changed
 * circuit or incident is written at the end of its round, and everything on stop.
 */
export const SAVE_EVERY_MS = 10_000;

export function createMonitor(options: MonitorOptions): Monitor {
  const { log, stateDir, docker } = options;
  const now = options.now ?? Date.now;
  const isDeploying = options.isDeploying ?? ((service: string) => lockHeld(stateDir, service));
  const records: Record<string, ServiceRecord> = loadRecords(stateDir, (m) => log.warn({}, m));
  const nextDue = new Map<string, number>();
  const deploying = new Set<string>();
  let running = false;
  let rounds = 0;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let current: Promise<void> = Promise.resolve();
  let loopDone: Promise<void> = Promise.resolve();
  let saveWarned = false;
  let unsaved = false;
  let savedAt = 0;

  function currentConfig(): { settings: MonitorSettings; services: MonitoredService[] } {
    const config = options.config();
    return { settings: monitorSettings(config), services: monitoredServices(config) };
  }

  /** One check; true when it changed a circuit or an incident (saved at once, not with the counters). */
  async function checkOne(service: MonitoredService, settings: MonitorSettings): Promise<boolean> {
    if (isDeploying(service.name)) {
      if (!deploying.has(service.name))
        log.info({ service: service.name }, "deploy in progress: the monitor leaves the service to it");
      deploying.add(service.name);
      return false;
    }
    deploying.delete(service.name);
    const { outcome, responseTimeMs } = await checkService(
      docker,
      options.project,
      service,
      settings.timeoutMs,
    );
    // A deploy may have started while the check ran: what it saw belongs to the deploy.
    if (isDeploying(service.name)) return false;
    const previous = records[service.name] ?? EMPTY_RECORD;
    const applied = applyCheck(previous, outcome, responseTimeMs, now(), settings);
    records[service.name] = applied.record;
    logTransitions(service.name, previous, applied.record, outcome);
    if (applied.closed)
      log.info(
        { service: service.name, kind: applied.closed.kind, since: applied.closed.startedAt },
        "incident over",
      );
    if (applied.opened)
      log.warn(
        {
          service: service.name,
          kind: applied.opened.kind,
          cause: outcome.cause,
          err: redact(outcome.error ?? ""),
        },
        `incident: ${service.name} ${applied.opened.kind.replace("_", "-")}`,
      );
    options.onCheck?.(service.name, applied.record, outcome, applied.opened);
    const incident = applied.record.incident;
    const reported = incident?.reported;
    if (incident) await handleIncident(service.name, incident, settings);
    return (
      applied.opened !== null ||
      applied.closed !== null ||
      previous.circuit.state !== applied.record.circuit.state ||
      incident?.reported !== reported
    );
  }

  function logTransitions(name: string, before: ServiceRecord, after: ServiceRecord, outcome: CheckOutcome) {
    if (before.circuit.state !== after.circuit.state && after.circuit.state === "open")
      log.warn(
        { service: name, failures: after.circuit.consecutiveFailures, err: redact(outcome.error ?? "") },
        "circuit open: checks suspended",
      );
    else if (before.circuit.state !== "closed" && after.circuit.state === "closed")
      log.info({ service: name }, "circuit closed: the service is healthy again");
    else if (before.lastOk !== false && !outcome.ok)
      log.warn(
        { service: name, cause: outcome.cause, err: redact(outcome.error ?? "") },
        "health check failed",
      );
  }

  async function handleIncident(name: string, incident: Incident, settings: MonitorSettings): Promise<void> {
    if (settings.restartOnFailure && !incident.restarted && incident.containerId && docker.restartContainer) {
      incident.restarted = true;
      try {
        await docker.restartContainer(incident.containerId);
        log.warn(
          { service: name, container: incident.containerId },
          "restarted the container (monitor.restart_on_failure)",
        );
      } catch (error) {
        log.error({ service: name, err: redact(errorMessage(error)) }, "could not restart the container");
      }
    }
    if (incident.reported) return;
    if (!options.onIncident) {
      incident.reported = true;
      log.info({ service: name }, "incident not sent anywhere: the monitor runs without GitHub");
      return;
    }
    let tail = "";
    if (incident.containerId) {
      try {
        tail = await docker.logsTail(incident.containerId, LOG_TAIL_LINES);
      } catch (error) {
        log.warn({ service: name, err: redact(errorMessage(error)) }, "could not read the container's logs");
      }
    }
    try {
      const report = await options.onIncident(name, incident, tail);
      incident.reported = true;
      if (!report.sent) log.info({ service: name, reason: report.reason }, "runtime failure not sent");
    } catch (error) {
      log.error(
        { service: name, err: redact(errorMessage(error)) },
        "runtime failure dispatch failed; retrying on the next check",
      );
    }
  }

  async function round(force: boolean): Promise<void> {
    const { settings, services } = currentConfig();
    const at = now();
    const due = services.filter((s) => {
      const record = records[s.name] ?? EMPTY_RECORD;
      if (!allowsCheck(record.circuit, at, settings)) {
        nextDue.set(s.name, (record.circuit.openedAt ?? at) + settings.recoveryMs);
        return false;
      }
      return force || (nextDue.get(s.name) ?? 0) <= at;
    });
    let changed = false;
    await Promise.all(
      due.map(async (s) => {
        try {
          if (await checkOne(s, settings)) changed = true;
        } catch (error) {
          log.error({ service: s.name, err: redact(errorMessage(error)) }, "health check crashed");
        }
        // From the round's start, not the check's end: services keep checking together, one round
        // (and one timer) per interval, and a slow check does not push its service's schedule back.
        nextDue.set(s.name, Math.max(at + s.intervalMs, now()));
      }),
    );
    if (due.length > 0) unsaved = true;
    if (changed || (unsaved && now() - savedAt >= SAVE_EVERY_MS)) save();
    rounds += 1;
  }

  function save() {
    unsaved = false;
    savedAt = now();
    try {
      saveRecords(stateDir, records);
      saveWarned = false;
    } catch (error) {
      if (!saveWarned)
        log.warn({ err: errorMessage(error) }, "cannot save the monitor's counters; will keep trying");
      saveWarned = true;
    }
  }

  function serialized(force: boolean): Promise<void> {
    current = current.then(() => round(force));
    return current;
  }

  async function loop() {
    while (running) {
      await serialized(false);
      if (!running) break;
      const { services } = currentConfig();
      const at = now();
      const next = Math.min(...services.map((s) => nextDue.get(s.name) ?? at), at + 60_000);
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, Math.max(10, next - at));
      });
      wake = null;
    }
  }

  function status(): HealthStatus {
    const { settings, services } = currentConfig();
    const shown: Record<string, ServiceRecord> = {};
    for (const s of services) shown[s.name] = records[s.name] ?? EMPTY_RECORD;
    return healthStatus(shown, now(), settings);
  }

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      wake?.();
      await loopDone;
      await current;
      if (unsaved) save();
    },
    async checkNow() {
      await serialized(true);
      return status();
    },
    status,
    records: () => records,
    get rounds() {
      return rounds;
    },
  };
}
