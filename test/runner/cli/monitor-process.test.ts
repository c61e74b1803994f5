/**
 * `orchestrator-runner monitor --workspace DIR` as an operator starts it: the real process (dist/),
 * env + argv only, against a real compose stack; the status API is queried over HTTP. A killed
 * container turns unhealthy, five failures open its circuit, a start brings it half-open then closed.
 */
import { spawn } from "node:child_process";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDist, ROOT } from "../../cli/build-dist.js";
import { describeDocker } from "../../helpers/docker.js";
import { parsePrometheusText, sampleValue } from "../../helpers/prometheus.js";
import { waitFor } from "../../e2e/wait.js";
import { freePort } from "../stack.js";
import { createMonitorStack, type MonitorStack } from "../monitor/monitor-stack.js";
import type { OwnProcess } from "../../e2e/processes.js";
import { ownProcess } from "../../e2e/processes.js";

describeDocker("orchestrator-runner monitor (real process)", () => {
  let stack: MonitorStack;
  let runner: OwnProcess;
  let base: string;

  beforeAll(async () => {
    await buildDist();
    stack = await createMonitorStack("proc", [{ name: "web" }, { name: "api" }]);
    stack.writeConfig({ interval: "1s", timeout: "2s", recovery_timeout: "3s" });
    stack.up();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      ["bin/orchestrator-runner.js", "monitor", "--workspace", stack.workspace],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
          COMPOSE_PROJECT_NAME: stack.project,
          RUNNER_STATE_DIR: stack.stateDir,
          RUNNER_STATUS_PORT: String(port),
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    runner = ownProcess("the monitor", child);
    await runner.waitForLine(/^monitor started$/, 60_000);
  }, 240_000);

  afterAll(async () => {
    await runner?.stop();
    await stack?.cleanup();
  }, 120_000);

  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    return {
      status: response.status,
      type: response.headers.get("content-type") ?? "",
      text: await response.text(),
    };
  };
  const status = async () =>
    JSON.parse((await get("/health/status")).text) as {
      overall_health: string;
      services: Record<string, Record<string, unknown>>;
    };

  it("serves /health/status in the documented shape, healthy", async () => {
    const healthy = await waitFor(
      async () => ((await status()).overall_health === "healthy" ? status() : null),
      {
        timeoutMs: 30_000,
        what: "overall healthy",
      },
    );
    expect(Object.keys(healthy).sort()).toEqual(["overall_health", "services", "timestamp"]);
    expect(Object.keys(healthy.services.web!).sort()).toEqual(
      [
        "circuit_breaker_state",
        "consecutive_failures",
        "error_message",
        "health",
        "last_check",
        "response_time_ms",
        "successful_checks",
        "total_checks",
        "uptime_percentage",
      ].sort(),
    );
    expect(healthy.services.web).toMatchObject({ health: "healthy", circuit_breaker_state: "closed" });
  }, 60_000);

  it("answers /health, /ready, /runs and refuses paths out of the state dir", async () => {
    expect((await get("/health")).status).toBe(200);
    const ready = await get("/ready");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({
      ready: true,
      checks: { docker: { ok: true }, workspace: { ok: true } },
    });
    expect(JSON.parse((await get("/runs")).text)).toEqual([]);
    for (const path of [
      "/runs/..%2F..%2Fetc/artifacts/passwd",
      "/runs/x/artifacts/..%2F..%2Fjournal.jsonl",
      "/runs/../../etc/passwd",
    ])
      expect((await get(path)).status).toBe(404);
    expect((await get("/health/trigger")).status).toBe(405);
  }, 30_000);

  it("/ready is 503 with the reason while the workspace has no config, 200 again once it is back", async () => {
    const config = join(stack.workspace, ".github/orchestrator.yml");
    renameSync(config, `${config}.away`);
    try {
      const ready = await get("/ready");
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toMatchObject({
        ready: false,
        checks: {
          docker: { ok: true },
          workspace: { ok: false, reason: `no .github/orchestrator.yml in ${stack.workspace}` },
        },
      });
    } finally {
      renameSync(`${config}.away`, config);
    }
    expect((await get("/ready")).status).toBe(200);
  }, 30_000);

  it("POST /health/trigger checks now; a killed container turns unhealthy; /metrics says so", async () => {
    const before = (await status()).services.api!.total_checks as number;
    const triggered = await get("/health/trigger", { method: "POST" });
    expect(triggered.status).toBe(200);
    expect(
      (JSON.parse(triggered.text) as { services: Record<string, { total_checks: number }> }).services.api!
        .total_checks,
    ).toBeGreaterThan(before);

    await (await stack.container("api")).kill();
    await waitFor(async () => (await status()).services.api!.health === "unhealthy", {
      timeoutMs: 15_000,
      what: "api unhealthy",
    });
    expect((await status()).overall_health).toBe("degraded");

    const metrics = await get("/metrics");
    expect(metrics.type).toMatch(/^text\/plain/);
    const families = parsePrometheusText(metrics.text);
    expect(sampleValue(families, "orchestrator_monitor_up", { service: "api" })).toBe(0);
    expect(sampleValue(families, "orchestrator_monitor_up", { service: "web" })).toBe(1);
    expect(
      sampleValue(families, "orchestrator_monitor_incidents_total", { service: "api", kind: "exited" }),
    ).toBe(1);
    expect(families.get("orchestrator_runner_process_resident_memory_bytes")?.type).toBe("gauge");
    // No GitHub here: the incident is logged, never dispatched.
    await runner.waitForLine(/^incident not sent anywhere: the monitor runs without GitHub$/, 10_000);
  }, 60_000);

  it("five failed checks open the circuit; started again, it goes half-open, then closed", async () => {
    const circuit = async () =>
      sampleValue(parsePrometheusText((await get("/metrics")).text), "orchestrator_monitor_circuit_state", {
        service: "api",
      });
    let last: unknown = null;
    const open = await waitFor(
      async () => {
        const api = (await status()).services.api!;
        last = api;
        return api.circuit_breaker_state === "open" ? api : null;
      },
      { timeoutMs: 30_000, what: () => `api circuit open: ${JSON.stringify(last)}` },
    );
    expect(open).toMatchObject({ health: "circuit_open", consecutive_failures: 5 });
    expect(await circuit()).toBe(2);
    await runner.waitForLine(/^circuit open: checks suspended$/, 5_000);

    await (await stack.container("api")).start();
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const api = (await status()).services.api!;
        last = api;
        seen.add(String(api.circuit_breaker_state));
        return api.circuit_breaker_state === "closed" && api.health === "healthy";
      },
      { timeoutMs: 40_000, intervalMs: 100, what: () => `api closed: ${JSON.stringify(last)}` },
    );
    expect([...seen]).toContain("half_open");
    expect(await circuit()).toBe(0);
    expect((await status()).overall_health).toBe("healthy");
    await runner.waitForLine(/^circuit closed: the service is healthy again$/, 5_000);
  }, 90_000);

  it("stops on SIGTERM with exit 0", async () => {
    expect(await runner.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);
});
