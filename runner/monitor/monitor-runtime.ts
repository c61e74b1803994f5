/**
 * The monitor with its status API and metrics, as `start` and `monitor` run it: builds the monitor on
 * the engine, serves the loopback status routes when a port is given, and stops both together.
 */
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { createStatsd, statsdSettingsFrom } from "../../src/metrics/statsd.js";
import type { RunnerLog } from "../github/log.js";
import type { RunnerHealth } from "../status/status-api.js";
import { createRunnerMetrics, type RunnerMetrics } from "../metrics/runner-metrics.js";
import { dockerCheck, githubCheck, workspaceCheck } from "../status/readiness.js";
import { serveRunnerStatus, type RunningStatusServer } from "../status/status-server.js";
import { CONFIG_PATH } from "../../contract/config-path.js";
import { createMonitor, type Monitor, type MonitorOptions } from "./monitor.js";
import { createMonitorDocker } from "./monitor-docker.js";

export interface MonitorRuntimeOptions {
  workspace: string;
  stateDir: string;
  project: string;
  env: NodeJS.ProcessEnv;
  log: RunnerLog;
  config: () => OrchestratorConfig;
  /** RUNNER_STATUS_PORT, or null for no status API. */
  statusPort: number | null;
  /** Under `start`: the poll loop's health (GitHub reachable) for `/ready` and `/runs`. */
  health?: RunnerHealth;
  onIncident?: MonitorOptions["onIncident"];
  /** False: `monitor.enabled: false`; the status API still serves the rest. */
  monitorEnabled: boolean;
  docker?: MonitorOptions["docker"] & { ping(): Promise<void> };
}

export interface MonitorRuntime {
  readonly monitor: Monitor | null;
  readonly metrics: RunnerMetrics;
  readonly server: RunningStatusServer | null;
  stop(): Promise<void>;
}

export async function startMonitorRuntime(options: MonitorRuntimeOptions): Promise<MonitorRuntime> {
  const statsdSettings = statsdSettingsFrom(options.env);
  const statsd = statsdSettings ? createStatsd(statsdSettings) : undefined;
  const metrics = createRunnerMetrics({ ...(statsd ? { statsd } : {}) });
  const stopObserving = metrics.observeRuns();
  const docker = options.docker ?? createMonitorDocker(options.env);
  const onIncident = options.onIncident;
  const monitor = options.monitorEnabled
    ? createMonitor({
        project: options.project,
        stateDir: options.stateDir,
        docker,
        config: options.config,
        log: options.log,
        onCheck: (service, record, outcome, opened) => {
          metrics.check(service, record, outcome);
          if (opened) metrics.incident(service, opened);
        },
        ...(onIncident
          ? {
              onIncident: async (service, incident, tail) => {
                try {
                  const report = await onIncident(service, incident, tail);
                  metrics.dispatch(report.sent ? "sent" : "not_sent");
                  if (report.sent)
                    options.log.info({ service, kind: incident.kind }, "runtime failure dispatch sent");
                  return report;
                } catch (error) {
                  metrics.dispatch("failed");
                  throw error;
                }
              },
            }
          : {}),
      })
    : null;
  monitor?.start();
  const startedAt = new Date().toISOString();
  let server: RunningStatusServer | null = null;
  if (options.statusPort !== null) {
    server = await serveRunnerStatus(options.statusPort, {
      stateDir: options.stateDir,
      startedAt,
      monitor,
      monitorOff: "the monitor is off (monitor.enabled: false in .github/orchestrator.yml)",
      readyChecks: [
        dockerCheck(docker),
        workspaceCheck(options.workspace, options.stateDir, CONFIG_PATH),
        ...(options.health ? [githubCheck(options.health)] : []),
      ],
      metrics: () => metrics.text(),
      ...(options.health ? { health: options.health } : {}),
    });
    options.log.info({ port: server.port }, "status API on 127.0.0.1");
  }
  if (statsdSettings)
    options.log.info(
      { host: statsdSettings.host, port: statsdSettings.port, prefix: statsdSettings.prefix },
      "StatsD on",
    );
  return {
    monitor,
    metrics,
    server,
    async stop() {
      await server?.close();
      await monitor?.stop();
      docker.close?.();
      stopObserving();
      statsd?.close();
    },
  };
}
