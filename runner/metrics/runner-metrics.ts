/**
 * The runner's metrics: one prom-client registry served on `/metrics`, and the same events sent to
 * StatsD when STATSD_HOST is set. Runs and steps come from the journal (every event is observed once
 * it is on disk), the monitor reports its checks and incidents, the GitHub client its requests.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { githubRequestMetrics, type GitHubRequestMetrics } from "../../src/metrics/github-requests.js";
import { NO_STATSD, type Statsd } from "../../src/metrics/statsd.js";
import { observeJournal } from "../journal/observers.js";
import type { CheckOutcome } from "../monitor/check-outcome.js";
import type { ServiceRecord, Incident } from "../monitor/service-record.js";
import { uptimePercentage } from "../monitor/health-status.js";
import { runSamples, type RunSample } from "./run-samples.js";

export interface RunnerMetrics {
  readonly registry: Registry;
  readonly github: GitHubRequestMetrics;
  /** Starts observing the journal; returns the function that stops it. */
  observeRuns(): () => void;
  sample(sample: RunSample): void;
  check(service: string, record: ServiceRecord, outcome: CheckOutcome): void;
  incident(service: string, incident: Incident): void;
  dispatch(result: "sent" | "failed" | "not_sent"): void;
  text(): Promise<{ contentType: string; body: string }>;
}

const CIRCUIT = { closed: 0, half_open: 1, open: 2 } as const;
const SECONDS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

export function createRunnerMetrics(
  options: { statsd?: Statsd; defaultMetrics?: boolean } = {},
): RunnerMetrics {
  const registry = new Registry();
  const statsd = options.statsd ?? NO_STATSD;
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: "orchestrator_runner_" });
  const registers = [registry];
  const queued = new Counter({
    name: "orchestrator_runs_queued_total",
    help: "Deploy runs started, by service.",
    labelNames: ["service"],
    registers,
  });
  const runs = new Counter({
    name: "orchestrator_runs_total",
    help: "Finished deploy runs by final state (success, rolled_back, failed, refused, rollback_failed).",
    labelNames: ["service", "state"],
    registers,
  });
  const runDuration = new Histogram({
    name: "orchestrator_run_duration_seconds",
    help: "Deploy run duration by final state.",
    labelNames: ["state"],
    buckets: SECONDS,
    registers,
  });
  const stepsStarted = new Counter({
    name: "orchestrator_steps_started_total",
    help: "Pipeline steps started.",
    labelNames: ["step"],
    registers,
  });
  const steps = new Counter({
    name: "orchestrator_steps_total",
    help: "Pipeline steps by outcome (succeeded, failed, skipped: a finished run never reached it).",
    labelNames: ["step", "outcome"],
    registers,
  });
  const stepDuration = new Histogram({
    name: "orchestrator_step_duration_seconds",
    help: "Pipeline step duration.",
    labelNames: ["step", "outcome"],
    buckets: SECONDS,
    registers,
  });
  const rollbacks = new Counter({
    name: "orchestrator_rollbacks_total",
    help: "Rollbacks by result (restored: the previous version serves again; failed).",
    labelNames: ["service", "result"],
    registers,
  });
  const mttr = new Histogram({
    name: "orchestrator_mttr_seconds",
    help: "Time to repair: a failure seen (failed deploy or monitor incident) until a verified deploy of the service.",
    labelNames: ["service"],
    buckets: [60, 300, 600, 1800, 3600, 7200, 21600, 86400],
    registers,
  });
  const up = new Gauge({
    name: "orchestrator_monitor_up",
    help: "1 when the service's last health check passed, else 0.",
    labelNames: ["service"],
    registers,
  });
  const uptime = new Gauge({
    name: "orchestrator_monitor_uptime_ratio",
    help: "Good health checks over all checks (0..1), counted across restarts.",
    labelNames: ["service"],
    registers,
  });
  const circuit = new Gauge({
    name: "orchestrator_monitor_circuit_state",
    help: "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
    labelNames: ["service"],
    registers,
  });
  const responseTime = new Gauge({
    name: "orchestrator_monitor_response_time_seconds",
    help: "Duration of the service's last health check.",
    labelNames: ["service"],
    registers,
  });
  const checks = new Counter({
    name: "orchestrator_monitor_checks_total",
    help: "Health checks by result (ok, or the failure cause).",
    labelNames: ["service", "result"],
    registers,
  });
  const incidents = new Counter({
    name: "orchestrator_monitor_incidents_total",
    help: "Incidents the monitor found outside deploys, by kind (crash_loop, exited, unhealthy).",
    labelNames: ["service", "kind"],
    registers,
  });
  const dispatches = new Counter({
    name: "orchestrator_runtime_failure_dispatches_total",
    help: "Runtime-failure dispatches for monitor incidents by result (sent, failed, not_sent).",
    labelNames: ["result"],
    registers,
  });
  const github = githubRequestMetrics(registry);
  // Failure seen per service, for MTTR (in memory: a restart forgets an open repair).
  const failingSince = new Map<string, number>();

  function sample(s: RunSample): void {
    switch (s.type) {
      case "run-queued":
        queued.inc({ service: s.service });
        statsd.increment("runs.queued");
        statsd.increment(`runs.queued.service.${s.service.replace(/\./g, "_")}`);
        break;
      case "step-started":
        stepsStarted.inc({ step: s.step });
        statsd.increment(`steps.${s.step}.started`);
        break;
      case "step-ended":
        steps.inc({ step: s.step, outcome: s.outcome });
        stepDuration.observe({ step: s.step, outcome: s.outcome }, s.durationMs / 1000);
        statsd.increment(`steps.${s.step}.${s.outcome}`);
        statsd.timing(`steps.${s.step}.duration`, s.durationMs);
        break;
      case "step-skipped":
        steps.inc({ step: s.step, outcome: "skipped" });
        statsd.increment(`steps.${s.step}.skipped`);
        break;
      case "run-finished": {
        runs.inc({ service: s.service, state: s.state });
        runDuration.observe({ state: s.state }, s.durationMs / 1000);
        statsd.increment(`runs.status.${s.state}`);
        statsd.timing(`runs.duration.${s.state}`, s.durationMs);
        const at = Date.parse(s.finishedAt);
        if (s.state === "success") {
          const since = failingSince.get(s.service);
          if (since !== undefined && at >= since) {
            mttr.observe({ service: s.service }, (at - since) / 1000);
            statsd.timing("mttr", at - since);
          }
          failingSince.delete(s.service);
        } else if (s.state !== "refused" && !failingSince.has(s.service)) failingSince.set(s.service, at);
        break;
      }
      case "rollback":
        rollbacks.inc({ service: s.service, result: s.result });
        statsd.increment(`rollbacks.${s.result}`);
        break;
    }
  }

  return {
    registry,
    github,
    observeRuns() {
      return observeJournal((_runId, event) => {
        for (const s of runSamples(event)) sample(s);
      });
    },
    sample,
    check(service, record, outcome) {
      up.set({ service }, outcome.ok ? 1 : 0);
      uptime.set({ service }, uptimePercentage(record) / 100);
      circuit.set({ service }, CIRCUIT[record.circuit.state]);
      if (record.responseTimeMs !== null) responseTime.set({ service }, record.responseTimeMs / 1000);
      checks.inc({ service, result: outcome.ok ? "ok" : (outcome.cause ?? "failed") });
    },
    incident(service, incident) {
      incidents.inc({ service, kind: incident.kind });
      statsd.increment(`monitor.incidents.${incident.kind}`);
      const at = Date.parse(incident.startedAt);
      if (!failingSince.has(service)) failingSince.set(service, at);
    },
    dispatch(result) {
      dispatches.inc({ result });
    },
    async text() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
