/**
 * The runner's loopback status API: `/health` (liveness), `/ready`, `/health/status` (the monitor),
 * `POST /health/trigger`, `/runs`, `/runs/:id`, `/runs/:id/artifacts/:name` (the journal and the run
 * artifacts, through the redactor; run ids and artifact names are checked against what exists, so no
 * path leaves the state dir) and `/metrics` (Prometheus text).
 */
import { redact } from "../../src/redact/redactor.js";
import { routeStatus, type RunnerHealth, type StatusResponse } from "./status-api.js";
import type { Monitor } from "../monitor/monitor.js";
import { readiness, type ReadyCheck } from "./readiness.js";

export interface StatusContext {
  stateDir: string;
  startedAt: string;
  /** Null when the monitor is off. */
  monitor: Monitor | null;
  /** Why the monitor is off, for `/health/status`. */
  monitorOff?: string;
  readyChecks: ReadyCheck[];
  /** Prometheus text and its content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** The poll loop's health under `start` (for `/runs` it is unused). */
  health?: RunnerHealth;
}

export interface RoutedResponse {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = "application/json; charset=utf-8";

export async function routeRunnerStatus(
  method: string,
  url: string,
  ctx: StatusContext,
): Promise<RoutedResponse> {
  const path = new URL(url, "http://127.0.0.1").pathname.replace(/\/+$/, "") || "/";
  if (path === "/health/trigger") {
    if (method !== "POST") return json(405, { error: `POST /health/trigger checks now; got ${method}` });
    if (!ctx.monitor) return json(503, { error: ctx.monitorOff ?? "the monitor is off" });
    return json(200, await ctx.monitor.checkNow());
  }
  if (method !== "GET" && method !== "HEAD")
    return json(405, { error: `only GET is served here, got ${method}` });
  switch (path) {
    case "/health":
      return json(200, {
        ok: true,
        startedAt: ctx.startedAt,
        uptimeSeconds: Math.round((Date.now() - Date.parse(ctx.startedAt)) / 1000),
      });
    case "/ready": {
      const result = await readiness(ctx.readyChecks);
      return json(result.ready ? 200 : 503, result);
    }
    case "/health/status":
      if (!ctx.monitor) return json(503, { error: ctx.monitorOff ?? "the monitor is off" });
      return json(200, ctx.monitor.status());
    case "/metrics": {
      const { contentType, body } = await ctx.metrics();
      return { status: 200, contentType, body };
    }
  }
  if (path === "/runs" || path.startsWith("/runs/"))
    return fromJournal(routeStatus("GET", url, ctx.stateDir, ctx.health ?? idleHealth(ctx)));
  return json(404, {
    error: `unknown path ${path}; try /health, /ready, /health/status, POST /health/trigger, /runs, /runs/:id, /runs/:id/artifacts/:name, /metrics`,
  });
}

function idleHealth(ctx: StatusContext): RunnerHealth {
  return { startedAt: ctx.startedAt, lastPassAt: null, failures: 0, lastError: null };
}

function fromJournal(response: StatusResponse): RoutedResponse {
  return { status: response.status, contentType: `${response.type}; charset=utf-8`, body: response.body };
}

function json(status: number, value: unknown): RoutedResponse {
  return { status, contentType: JSON_TYPE, body: redact(`${JSON.stringify(value, null, 2)}\n`) };
}
