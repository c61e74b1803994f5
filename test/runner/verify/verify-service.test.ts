import { describe, expect, it } from "vitest";
import type { DockerOps } from "../../../runner/docker/docker-ops.js";
import type { ContainerState } from "../../../runner/docker/state.js";
import { verifyService } from "../../../runner/verify/verify-service.js";

function container(over: Partial<ContainerState> = {}): ContainerState {
  return {
    id: "c1",
    name: "stack-web-1",
    imageId: `sha256:${"a".repeat(64)}`,
    imageName: "stack_web",
    status: "running",
    running: true,
    restarting: false,
    exitCode: 0,
    health: "healthy",
    healthOutput: "",
    restartCount: 0,
    restartPolicy: "always",
    startedAt: "",
    ...over,
  };
}

/** A DockerOps whose service container goes through `states` one find call at a time (the last one stays). */
function fakeDocker(states: ContainerState[], logs = "") {
  const findCalls: number[] = [];
  let i = 0;
  const ops: DockerOps = {
    endpoint: "fake",
    async ping() {},
    async findServiceContainer() {
      findCalls.push(Date.now());
      return states[Math.min(i++, states.length - 1)]!;
    },
    async inspectContainer() {
      return states.at(-1)!;
    },
    async imageId() {
      return null;
    },
    async tagImage() {},
    async logsTail() {
      return logs;
    },
  };
  return { ops, findCalls };
}

const base = { project: "stack", service: "web", timeoutMs: 5_000, watchMs: 0 };

describe("verifyService timing", () => {
  it("probes at once: a container that is already healthy passes without any sleep", async () => {
    const { ops, findCalls } = fakeDocker([container()]);
    const started = Date.now();
    const result = await verifyService(ops, base);
    expect(result.ok).toBe(true);
    expect(findCalls).toHaveLength(1);
    expect(findCalls[0]! - started).toBeLessThan(50);
    expect(result.startMs).toBeLessThan(50);
    expect(result.watchMs).toBeLessThan(50);
  });

  it("retries on the given backoff while Docker health is starting, and splits start from watch", async () => {
    const starting = container({ health: "starting" });
    const { ops, findCalls } = fakeDocker([starting, starting, starting, container()]);
    const result = await verifyService(ops, {
      ...base,
      watchMs: 120,
      watchIntervalMs: 40,
      backoff: { initialMs: 30, factor: 2, maxMs: 1000 },
    });
    expect(result.ok, result.reason).toBe(true);
    expect(findCalls).toHaveLength(4);
    const gaps = findCalls.slice(1).map((t, k) => t - findCalls[k]!);
    // 30, 60, 120 ms apart (timers may fire a little late, never early).
    [30, 60, 120].forEach((want, k) => {
      expect(gaps[k]).toBeGreaterThanOrEqual(want - 2);
      expect(gaps[k]).toBeLessThan(want + 80);
    });
    expect(result.startMs).toBeGreaterThanOrEqual(205);
    expect(result.watchMs).toBeGreaterThanOrEqual(118);
    expect(result.probes.filter((p) => p.kind === "watch").length).toBeGreaterThanOrEqual(3);
    expect(result.logsTail).toBe("");
  });

  it("a failure carries the container's log tail and no watch time", async () => {
    const exited = container({ status: "exited", running: false, exitCode: 3, restartPolicy: "no" });
    const { ops } = fakeDocker([exited], "boot\nfatal: db down\n");
    const lines: string[] = [];
    const result = await verifyService(ops, { ...base, log: (line) => lines.push(line) });
    expect(result.ok).toBe(false);
    expect(result.phase).toBe("start");
    expect(result.logsTail).toBe("boot\nfatal: db down\n");
    expect(result.watchMs).toBe(0);
    expect(result.startMs).toBe(result.durationMs);
    expect(lines.join("\n")).toContain("fatal: db down");
  });
});
