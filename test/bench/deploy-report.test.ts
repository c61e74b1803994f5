import { describe, expect, it } from "vitest";
import {
  compare,
  formatComparison,
  formatFigure,
  median,
  runnerSample,
  runnerSawHealthyAt,
  type PlainPhase,
  type Sample,
} from "../../bench/deploy-report.js";
import type { DeployResult } from "../../runner/journal/events.js";

function result(over: Partial<DeployResult> = {}): DeployResult {
  return {
    runId: "r",
    service: "web",
    ref: "v2",
    targetSha: "b".repeat(40),
    previousSha: "a".repeat(40),
    status: "success",
    reason: "deployed",
    steps: [
      { step: "prepare", ok: true, durationMs: 40, detail: "" },
      { step: "checkout", ok: true, durationMs: 10, detail: "" },
      { step: "build", ok: true, durationMs: 1500, detail: "" },
      { step: "up", ok: true, durationMs: 1200, detail: "" },
      { step: "verify", ok: true, durationMs: 4300, detail: "" },
    ],
    rollbackPoint: null,
    verify: { ok: true, phase: "done", reason: "healthy", probes: [], startMs: 1250, watchMs: 3040 },
    rollbackVerify: null,
    workspaceSha: null,
    artifactsDir: "/tmp/x",
    startedAt: "2025-01-01T00:00:00Z",
    finishedAt: "2025-01-01T00:00:07Z",
    durationMs: 7100,
    reconciled: false,
    meta: {},
    ...over,
  };
}

const plain = (totalMs: number): Sample<PlainPhase> => ({
  totalMs,
  phases: { checkout: 10, build: 1400, up: 1100, "docker health": 900, "curl until healthy": totalMs - 3410 },
});

describe("runnerSample", () => {
  it("splits verify into the probe phase and the watch window; the rest of the wall clock is `other`", () => {
    const sample = runnerSample(7200, result());
    expect(sample.phases).toEqual({
      "prepare + rollback point": 40,
      checkout: 10,
      build: 1500,
      up: 1200,
      "verify probe": 1250,
      watch: 3040,
      other: 7200 - (40 + 10 + 1500 + 1200 + 1250 + 3040),
    });
  });

  it("refuses a failed deploy and a result without verify timings", () => {
    expect(() => runnerSample(1, result({ status: "rolled_back", reason: "404" }))).toThrow(
      "bench deploy failed: rolled_back: 404",
    );
    expect(() =>
      runnerSample(1, result({ verify: { ok: true, phase: "done", reason: "", probes: [] } })),
    ).toThrow("no verify timings");
  });
});

describe("median", () => {
  it("takes the middle value, or the rounded mean of the two middle ones", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(3); // (2 + 3) / 2 rounded
    expect(() => median([])).toThrow("median of no values");
  });
});

describe("compare", () => {
  it("reports medians, the runner without its watch window, and both ratios", () => {
    const runner = [7200, 6000, 9000].map((total, i) =>
      runnerSample(total, result({ verify: { ...result().verify!, watchMs: 3000 + i * 100 } })),
    );
    const c = compare(runner, [plain(3000), plain(4000), plain(3500)]);
    expect(c.runner.totalMs).toBe(7200);
    expect(c.plain.totalMs).toBe(3500);
    expect(c.runner.phases.watch).toBe(3100);
    // Per-run differences: 4200, 2900, 5800 -> median 4200.
    expect(c.runnerNoWatchMs).toBe(4200);
    expect(c.ratio).toBeCloseTo(7200 / 3500, 6);
    expect(c.ratioNoWatch).toBeCloseTo(4200 / 3500, 6);
    const text = formatComparison(c).join("\n");
    expect(text).toContain("median of 3 alternating runs");
    expect(text).toMatch(/runner minus watch window\s+4200 ms/);
    expect(text).toMatch(/ratio \(runner - watch\) \/ plain\s+1\.20/);
    expect(text).toMatch(/ratio runner \/ plain\s+2\.06/);
    expect(text).toMatch(/verify probe\s+1250 ms/);
    expect(text).toMatch(/docker health\s+900 ms/);
    expect(text).toMatch(/curl until healthy\s+90 ms/);
    expect(text).toContain("1.20 (target <= 1.05: MISSES)");
  });

  it("needs matching sample counts", () => {
    expect(() => compare([], [])).toThrow("same, non-zero number");
    expect(() => compare([runnerSample(7200, result())], [])).toThrow("same, non-zero number");
  });
});

describe("runnerSawHealthyAt", () => {
  it("is the time of the first start-phase look that read Docker health healthy", () => {
    const probes = [
      { at: "2025-01-01T00:00:01.000Z", kind: "docker-health", ok: false, detail: "starting" },
      { at: "2025-01-01T00:00:01.500Z", kind: "http", ok: true, detail: "200" },
      { at: "2025-01-01T00:00:02.250Z", kind: "docker-health", ok: true, detail: "healthy" },
      { at: "2025-01-01T00:00:03.000Z", kind: "docker-health", ok: true, detail: "healthy" },
    ];
    const verify = { ...result().verify!, probes };
    expect(runnerSawHealthyAt(result({ verify }))).toBe(Date.parse("2025-01-01T00:00:02.250Z"));
    expect(runnerSawHealthyAt(result())).toBeNull();
    expect(runnerSawHealthyAt(result({ verify: null }))).toBeNull();
  });
});

describe("formatFigure", () => {
  it("prints the figure, its baseline from the same run, and whether it meets the target", () => {
    const figure = {
      name: "rollback",
      valueMs: 800,
      baselineName: "plain",
      baselineMs: 2100,
      targetMs: 1000,
    };
    expect(formatFigure(figure)).toBe("  rollback: 800 ms (plain: 2100 ms); meets the target <= 1000 ms");
    expect(formatFigure({ ...figure, valueMs: 1001 })).toContain("MISSES the target <= 1000 ms");
  });
});
