import { describe, expect, it } from "vitest";
import {
  bindsFixedHostPort,
  composeDurationMs,
  readServiceShape,
} from "../../../runner/strategy/service-shape.js";

describe("composeDurationMs", () => {
  it.each([
    ["10s", 10_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    [3, 3000],
    ["7", 7000],
  ])("%s -> %d ms", (text, ms) => expect(composeDurationMs(text)).toBe(ms));
  it.each(["", "soon", "10x", "-1s"])("%j is not a duration", (text) =>
    expect(composeDurationMs(text)).toBeNull(),
  );
});

describe("bindsFixedHostPort", () => {
  it.each([
    ["80", false],
    ["8080:80", true],
    ["127.0.0.1:8080:80", true],
    ["127.0.0.1::80", false],
    ["8000-8001:80/udp", true],
  ])("%s -> %s", (entry, fixed) => expect(bindsFixedHostPort(entry)).toBe(fixed));
});

describe("readServiceShape", () => {
  it("merges compose files in order, later keys winning", () => {
    const shape = readServiceShape(
      [
        { path: "a.yml", text: "services:\n  web:\n    ports: ['8080:80']\n    stop_grace_period: 5s\n" },
        {
          path: "b.yml",
          text: "services:\n  web:\n    ports: ['80']\n    deploy:\n      update_config:\n        order: start-first\n        failure_action: rollback\n",
        },
      ],
      "web",
    );
    expect(shape).toEqual({
      containerName: null,
      fixedHostPorts: [],
      mounts: [],
      stopGraceS: 5,
      updateConfig: { order: "start-first", failureAction: "rollback", monitorMs: null },
    });
  });

  it("defaults the grace period to Compose's 10 s and keeps writable mounts only", () => {
    const shape = readServiceShape(
      [
        {
          path: "c.yml",
          text: "services:\n  web:\n    volumes: ['/anon', 'data:/data', './conf:/etc/conf:ro']\n",
        },
      ],
      "web",
    );
    expect(shape.stopGraceS).toBe(10);
    expect(shape.mounts).toEqual([
      { source: null, target: "/anon" },
      { source: "data", target: "/data" },
    ]);
  });
});
