/**
 * The monitor on real containers: a stopped container is unhealthy within one interval, five failed
 * checks open its circuit, and once it runs again the circuit goes half-open, then closed. Intervals
 * come from the config; every wait is for a condition.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigText } from "../../../src/config/parse.js";
import type { ContainerState } from "../../../runner/docker/state.js";
import { loadWorkspaceConfig } from "../../../runner/cli/options.js";
import type { MonitorDocker } from "../../../runner/monitor/checker.js";
import { createMonitor, SAVE_EVERY_MS, type Monitor } from "../../../runner/monitor/monitor.js";
import { createMonitorDocker } from "../../../runner/monitor/monitor-docker.js";
import { loadRecords } from "../../../runner/monitor/monitor-store.js";
import type { Incident } from "../../../runner/monitor/service-record.js";
import { describeDocker } from "../../helpers/docker.js";
import { waitFor } from "../../e2e/wait.js";
import { createMonitorStack, type MonitorStack } from "./monitor-stack.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function exitedOrRunning(running: () => boolean): MonitorDocker & { restarted: string[] } {
  const restarted: string[] = [];
  return {
    restarted,
    ping: async () => {},
    logsTail: async () => "service web starting\n",
    findServiceContainer: async () => ({
      id: "c1",
      name: "p_web_1",
      imageId: "sha256:1",
      imageName: "p_web",
      status: running() ? "running" : "exited",
      running: running(),
      restarting: false,
      exitCode: running() ? 0 : 1,
      health: "none",
      healthOutput: "",
      restartCount: 0,
      restartPolicy: "no",
      startedAt: "2026-01-01T00:00:00Z",
    }),
    restartContainer: async (id) => {
      restarted.push(id);
    },
  };
}

describe("monitor.restart_on_failure", () => {
  const configWith = (restart: boolean) => {
    const parsed = parseConfigText(
      `services:\n  web:\n    path: web\nmonitor:\n  restart_on_failure: ${restart}\n`,
    );
    if (!parsed.ok) throw new Error("bad config");
    return parsed.config;
  };

  for (const restart of [false, true])
    it(`${restart ? "on: restarts the container once per incident" : "off (default): never touches the container"}`, async () => {
      const stateDir = mkdtempSync(join(tmpdir(), "monitor-restart-"));
      try {
        let running = true;
        const docker = exitedOrRunning(() => running);
        const reports: string[] = [];
        const monitor = createMonitor({
          project: "p",
          stateDir,
          docker,
          config: () => configWith(restart),
          log: silent,
          onIncident: async (service, incident) => {
            reports.push(`${service}:${incident.kind}`);
            return { sent: true };
          },
        });
        await monitor.checkNow();
        running = false;
        await monitor.checkNow();
        await monitor.checkNow();
        expect(reports).toEqual(["web:exited"]);
        expect(docker.restarted).toEqual(restart ? ["c1"] : []);
        expect(monitor.records().web!.incident).toMatchObject({ kind: "exited", restarted: restart });
        // Recovered, then down again: a new incident, and (when on) a new restart.
        running = true;
        await monitor.checkNow();
        running = false;
        await monitor.checkNow();
        expect(reports).toEqual(["web:exited", "web:exited"]);
        expect(docker.restarted).toEqual(restart ? ["c1", "c1"] : []);
        await monitor.stop();
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
    });
});

describe("what the monitor writes to the state dir, and when", () => {
  it("counters at most every SAVE_EVERY_MS, an incident at once, everything on stop", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "monitor-save-"));
    try {
      const parsed = parseConfigText("services:\n  web:\n    path: web\nmonitor:\n  interval: 1s\n");
      if (!parsed.ok) throw new Error("bad config");
      let clock = 1_000_000;
      let running = true;
      const state = (): ContainerState => ({
        id: "c1",
        name: "p_web_1",
        imageId: "sha256:1",
        imageName: "p_web",
        status: running ? "running" : "exited",
        running,
        restarting: false,
        exitCode: running ? 0 : 137,
        health: "none",
        healthOutput: "",
        restartCount: 0,
        restartPolicy: "no",
        startedAt: "2026-01-01T00:00:00Z",
      });
      const docker: MonitorDocker = {
        ping: async () => {},
        findServiceContainer: async () => state(),
        logsTail: async () => "",
      };
      const monitor = createMonitor({
        project: "p",
        stateDir,
        docker,
        config: () => parsed.config,
        log: silent,
        now: () => clock,
      });
      const saved = () => loadRecords(stateDir).web?.totalChecks ?? 0;

      await monitor.checkNow();
      expect(saved()).toBe(1); // the first round is written at once
      clock += 1_000;
      await monitor.checkNow();
      expect(saved()).toBe(1);
      clock += SAVE_EVERY_MS;
      await monitor.checkNow();
      expect(saved()).toBe(3);

      running = false;
      clock += 1_000;
      await monitor.checkNow();
      expect(loadRecords(stateDir).web).toMatchObject({
        totalChecks: 4,
        incident: { kind: "exited", reported: true },
      });
      clock += 1_000;
      await monitor.checkNow();
      expect(saved()).toBe(4);

      await monitor.stop();
      expect(saved()).toBe(5);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describeDocker("health monitor on real containers", () => {
  let stack: MonitorStack;
  let monitor: Monitor;
  const engines: Array<ReturnType<typeof createMonitorDocker>> = [];
  const engine = () => {
    const docker = createMonitorDocker(stack.env);
    engines.push(docker);
    return docker;
  };
  const incidents: Array<{ service: string; incident: Incident; tail: string }> = [];

  beforeAll(async () => {
    stack = await createMonitorStack("loop", [{ name: "web" }, { name: "api" }]);
    stack.writeConfig({ interval: "1s", timeout: "2s", recovery_timeout: "3s", failure_threshold: 5 });
    stack.up();
    const config = loadWorkspaceConfig(stack.workspace);
    monitor = createMonitor({
      project: stack.project,
      stateDir: stack.stateDir,
      docker: engine(),
      config: () => config,
      log: silent,
      onIncident: async (service, incident, tail) => {
        incidents.push({ service, incident: { ...incident }, tail });
        return { sent: true };
      },
    });
    monitor.start();
  }, 180_000);

  afterAll(async () => {
    await monitor?.stop();
    for (const docker of engines) docker.close?.();
    await stack?.cleanup();
  }, 120_000);

  it("reports both services healthy with response times", async () => {
    const status = await waitFor(
      () => {
        const s = monitor.status();
        return s.overall_health === "healthy" ? s : null;
      },
      { timeoutMs: 30_000, what: () => `both healthy: ${JSON.stringify(monitor.status())}` },
    );
    expect(Object.keys(status.services)).toEqual(["api", "web"]);
    expect(status.services.web!.response_time_ms).toEqual(expect.any(Number));
    expect(status.services.web!.uptime_percentage).toBe(100);
  }, 60_000);

  it("stop one: unhealthy within one interval, an incident with its logs, circuit open after five failures", async () => {
    const container = await stack.container("web");
    const checksBefore = monitor.status().services.web!.total_checks;
    await container.stop({ t: 1 });
    const stopped = Date.now();
    await waitFor(() => monitor.status().services.web!.health === "unhealthy", {
      timeoutMs: 20_000,
      what: () => `web unhealthy: ${JSON.stringify(monitor.status().services.web)}`,
    });
    // Seen at the first check after the stop returned: within one interval (1 s) plus the check itself.
    expect(Date.now() - stopped).toBeLessThan(1_000 + 2_000 + 1_500);
    expect(monitor.status().overall_health).toBe("degraded");
    expect(monitor.status().services.api!.health).toBe("healthy");

    await waitFor(() => incidents.length > 0, { timeoutMs: 10_000, what: "the incident report" });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ service: "web", incident: { kind: "exited", check: "exited" } });
    expect(incidents[0]!.tail).toContain("service web starting");

    const open = await waitFor(
      () => {
        const web = monitor.status().services.web!;
        return web.circuit_breaker_state === "open" ? web : null;
      },
      { timeoutMs: 30_000, what: () => `web circuit open: ${JSON.stringify(monitor.status().services.web)}` },
    );
    expect(open).toMatchObject({ health: "circuit_open", consecutive_failures: 5 });
    // Five failed checks after the stop (one more may have run while `docker stop` was in progress).
    expect(open.total_checks - checksBefore).toBeGreaterThanOrEqual(5);
    expect(open.total_checks - checksBefore).toBeLessThanOrEqual(6);
    // Still one incident: the same outage is reported once.
    expect(incidents).toHaveLength(1);
  }, 90_000);

  it("while open no checks run; start it: half-open, then closed", async () => {
    const frozen = monitor.status().services.web!.total_checks;
    await monitor.checkNow();
    expect(monitor.status().services.web!.total_checks).toBe(frozen);
    await (await stack.container("web")).start();

    const seen = new Set<string>();
    await waitFor(
      () => {
        const web = monitor.status().services.web!;
        seen.add(web.circuit_breaker_state);
        return web.circuit_breaker_state === "closed" && web.health === "healthy";
      },
      {
        timeoutMs: 40_000,
        intervalMs: 20,
        what: () => `web closed: ${JSON.stringify(monitor.status().services.web)}`,
      },
    );
    expect(seen).toContain("half_open");
    expect(monitor.status().overall_health).toBe("healthy");
    // Counters are on disk for the next runner.
    const saved = loadRecords(stack.stateDir);
    expect(saved.web!.totalChecks).toBeGreaterThanOrEqual(frozen + 2);
    expect(saved.web!.incident).toBeNull();
  }, 90_000);

  it("a new monitor on the same state dir carries the counters on", async () => {
    await monitor.stop();
    const before = monitor.status().services.web!;
    const config = loadWorkspaceConfig(stack.workspace);
    monitor = createMonitor({
      project: stack.project,
      stateDir: stack.stateDir,
      docker: engine(),
      config: () => config,
      log: silent,
    });
    expect(monitor.status().services.web!.total_checks).toBe(before.total_checks);
    const after = await monitor.checkNow();
    expect(after.services.web!.total_checks).toBe(before.total_checks + 1);
    expect(after.services.web!.successful_checks).toBe(before.successful_checks + 1);
  }, 60_000);
});
