import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../../src/config/parse.js";
import type { OrchestratorConfig } from "../../../src/config/schema.js";
import { monitoredServices, monitorSettings } from "../../../runner/monitor/monitor-settings.js";

function config(text: string): OrchestratorConfig {
  const result = parseConfigText(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const SERVICES = [
  "services:",
  "  web:",
  "    path: web",
  "  api:",
  "    path: api",
  "    compose_service: backend",
];

describe("monitorSettings", () => {
  it("a config without a monitor block gets the schema's defaults (the issue's numbers)", () => {
    expect(monitorSettings(config(SERVICES.join("\n")))).toEqual({
      intervalMs: 30_000,
      timeoutMs: 5_000,
      failureThreshold: 5,
      recoveryMs: 60_000,
      successThreshold: 2,
      unhealthyThreshold: 3,
      crashLoopRestarts: 3,
      restartOnFailure: false,
    });
  });

  it("a partial monitor block keeps the defaults of the keys it leaves out", () => {
    const settings = monitorSettings(
      config([...SERVICES, "monitor:", "  interval: 2s", "  failure_threshold: 7"].join("\n")),
    );
    expect(settings).toMatchObject({
      intervalMs: 2_000,
      failureThreshold: 7,
      timeoutMs: 5_000,
      recoveryMs: 60_000,
      successThreshold: 2,
    });
  });

  it("refuses an unknown monitor key by name", () => {
    const result = parseConfigText([...SERVICES, "monitor:", "  intervall: 2s"].join("\n"));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: "monitor", message: "unknown key(s): intervall" }],
    });
  });
});

describe("monitoredServices", () => {
  it("lists every service with its compose name, health URL and interval (per service or monitor's)", () => {
    const parsed = config(
      [
        ...SERVICES,
        "    health:",
        "      url: http://127.0.0.1:9/health",
        "      interval: 500ms",
        "monitor:",
        "  interval: 10s",
      ].join("\n"),
    );
    expect(monitoredServices(parsed)).toEqual([
      { name: "web", composeService: "web", healthUrl: null, intervalMs: 10_000 },
      { name: "api", composeService: "backend", healthUrl: "http://127.0.0.1:9/health", intervalMs: 500 },
    ]);
  });
});
