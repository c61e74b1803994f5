/**
 * `orchestrator-runner monitor --workspace DIR` as an operator starts it: the real process (dist/),
 * env only, against a real compose stack; the status API is queried over HTTP.
 */
import { spawn } from "node:child_process";
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

  it("stops on SIGTERM with exit 0", async () => {
    expect(await runner.stop()).toEqual({ code: 0, signal: null });
  }, 30_000);
});
