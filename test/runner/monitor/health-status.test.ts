import { describe, expect, it } from "vitest";
import { healthStatus, overallHealth, uptimePercentage } from "../../../runner/monitor/health-status.js";
import { EMPTY_RECORD, type ServiceRecord } from "../../../runner/monitor/service-record.js";

const settings = { failureThreshold: 5, recoveryMs: 60_000, successThreshold: 2 };
const NOW = Date.parse("2026-05-04T10:00:00Z");

function record(overrides: Partial<ServiceRecord>): ServiceRecord {
  return { ...EMPTY_RECORD, ...overrides };
}

describe("healthStatus", () => {
  it("answers in the documented shape", () => {
    const status = healthStatus(
      {
        web: record({
          totalChecks: 3,
          successfulChecks: 2,
          lastOk: true,
          lastCheck: "2026-05-04T09:59:59.000Z",
          responseTimeMs: 7,
        }),
      },
      NOW,
      settings,
    );
    expect(status).toEqual({
      timestamp: "2026-05-04T10:00:00.000Z",
      services: {
        web: {
          health: "healthy",
          last_check: "2026-05-04T09:59:59.000Z",
          response_time_ms: 7,
          error_message: null,
          consecutive_failures: 0,
          total_checks: 3,
          successful_checks: 2,
          uptime_percentage: 66.67,
          circuit_breaker_state: "closed",
        },
      },
      overall_health: "healthy",
    });
  });

  it("names open circuits, half-open ones after the recovery time, and unchecked services", () => {
    const open = record({
      lastOk: false,
      totalChecks: 5,
      circuit: { state: "open", consecutiveFailures: 5, halfOpenSuccesses: 0, openedAt: NOW - 1000 },
    });
    const status = healthStatus({ a: open, b: EMPTY_RECORD }, NOW, settings);
    expect(status.services.a).toMatchObject({ health: "circuit_open", circuit_breaker_state: "open" });
    expect(status.services.b).toMatchObject({ health: "unknown", uptime_percentage: 0 });
    const later = healthStatus({ a: open }, NOW + 60_000, settings);
    expect(later.services.a).toMatchObject({ health: "unhealthy", circuit_breaker_state: "half_open" });
  });

  it("overall: healthy, degraded, unhealthy", () => {
    const s = (health: "healthy" | "unhealthy" | "unknown" | "circuit_open") =>
      ({ health }) as Parameters<typeof overallHealth>[0][number];
    expect(overallHealth([s("healthy"), s("healthy")])).toBe("healthy");
    expect(overallHealth([s("healthy"), s("unhealthy")])).toBe("degraded");
    expect(overallHealth([s("healthy"), s("unknown")])).toBe("degraded");
    expect(overallHealth([s("unhealthy"), s("circuit_open")])).toBe("unhealthy");
    expect(overallHealth([s("unknown")])).toBe("degraded");
    expect(overallHealth([])).toBe("degraded");
  });

  it("uptime is good checks over all checks", () => {
    expect(uptimePercentage({ totalChecks: 8, successfulChecks: 7 })).toBe(87.5);
    expect(uptimePercentage({ totalChecks: 0, successfulChecks: 0 })).toBe(0);
  });
});
