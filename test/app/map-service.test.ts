import { describe, expect, it } from "vitest";
import { mapService } from "../../src/app/map-service.js";
import { validateConfig } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";

const result = validateConfig({
  services: {
    api: { path: "services/api" },
    app: { path: "apps/app" },
    "web-app": { path: "services/web", compose_service: "frontend" },
  },
});
if (!result.ok) throw new Error("fixture config is invalid");
const config: OrchestratorConfig = result.config;

describe("mapService", () => {
  it.each([
    [{ explicit: "api" }, { ok: true, service: "api", via: "command" }],
    [{ jobName: "build (api)" }, { ok: true, service: "api", via: "job name" }],
    [{ jobName: "docker build frontend" }, { ok: true, service: "web-app", via: "job name" }],
    [{ jobName: "build web-app" }, { ok: true, service: "web-app", via: "job name" }],
    [
      { jobName: "tests", hints: ["builder", "api"] },
      { ok: true, service: "api", via: "log hints" },
    ],
    [
      { jobName: "tests", hints: ["frontend"] },
      { ok: true, service: "web-app", via: "log hints" },
    ],
    [{ evidence: ['File "services/api/main.py", line 3'] }, { ok: true, service: "api", via: "paths" }],
  ])("maps %j", (input, expected) => {
    expect(mapService({ config, ...input })).toEqual(expected);
  });

  it("refuses an unknown explicit service, listing the configured ones", () => {
    expect(mapService({ config, explicit: "db" })).toEqual({
      ok: false,
      reason: "'db' is not a configured service (configured: api, app, web-app)",
    });
  });

  it("says so when nothing names a service", () => {
    expect(mapService({ config, jobName: "lint", hints: ["builder"], evidence: ["error"] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        "neither the job name, the log nor its paths name one of the configured services",
      ),
    });
  });

  it("says so when the evidence points at several services", () => {
    expect(mapService({ config, evidence: ["services/api/x.py", "apps/app/y.js"] })).toEqual({
      ok: false,
      reason: "the failure points at several services (api, app)",
    });
  });
});
