import { describe, expect, it } from "vitest";
import { MAX_CLIENT_PAYLOAD_BYTES } from "../../../contract/runtime-failure.js";
import { incidentPayload } from "../../../runner/monitor/incident-payload.js";
import type { Incident } from "../../../runner/monitor/service-record.js";
import { createRedactor, useProcessRedactor } from "../../../src/redact/redactor.js";

const incident: Incident = {
  kind: "exited",
  startedAt: "2026-05-04T10:00:00.000Z",
  containerId: "abc",
  check: "exited",
  detail: "container web-1 is exited (exit code 1)",
  exitCode: 1,
  restartCount: 0,
  restarts: 0,
  failedChecks: 1,
  reported: false,
  restarted: false,
};

describe("incidentPayload", () => {
  it("carries the redacted log and a structured cause", () => {
    useProcessRedactor(createRedactor().add("s3cr3t-value-123456"));
    const decision = incidentPayload(
      "web",
      incident,
      "boot\npassword=s3cr3t-value-123456\nModuleNotFoundError\n",
    );
    expect(decision.send).toBe(true);
    if (!decision.send) return;
    expect(decision.payload.log).not.toContain("s3cr3t-value-123456");
    expect(decision.payload.log).toContain("ModuleNotFoundError");
    expect(decision.payload.cause).toEqual({
      source: "monitor",
      kind: "exited",
      check: "exited",
      detail: "container web-1 is exited (exit code 1)",
      container_id: "abc",
      exit_code: 1,
      restart_count: 0,
      restarts: 0,
      failed_checks: 1,
      detected_at: "2026-05-04T10:00:00.000Z",
    });
  });

  it("stays under GitHub's client_payload limit with a huge log", () => {
    const decision = incidentPayload(
      "web",
      incident,
      "x".repeat(100) + "\n".repeat(1) + "line\n".repeat(40_000),
    );
    if (!decision.send) throw new Error("expected a payload");
    expect(Buffer.byteLength(JSON.stringify(decision.payload))).toBeLessThanOrEqual(MAX_CLIENT_PAYLOAD_BYTES);
    expect(Object.keys(decision.payload)).toHaveLength(3);
  });

  it("sends nothing without log lines", () => {
    expect(incidentPayload("web", incident, "  \n")).toEqual({
      send: false,
      reason: "the container left no log lines to diagnose",
    });
  });
});
