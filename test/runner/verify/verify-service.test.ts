import { createServer, type Server } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { DockerOps } from "../../../runner/docker/docker-ops.js";
import { streamWatch } from "../../../runner/docker/events.js";
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

/** A DockerOps whose state the test changes, with an events stream the test writes to. */
function eventDocker(initial: ContainerState) {
  let state = initial;
  const stream = new PassThrough();
  let closed = false;
  const ops: DockerOps = {
    endpoint: "fake",
    async ping() {},
    async findServiceContainer() {
      return state;
    },
    async inspectContainer() {
      return state;
    },
    async imageId() {
      return null;
    },
    async tagImage() {},
    async logsTail() {
      return "";
    },
    async watchService() {
      const watch = streamWatch(stream);
      return {
        next: (ms) => watch.next(ms),
        get live() {
          return watch.live;
        },
        get why() {
          return watch.why;
        },
        close() {
          closed = true;
          watch.close();
        },
      };
    },
  };
  return {
    ops,
    set(next: ContainerState, action: string) {
      state = next;
      stream.write(
        `${JSON.stringify({ Action: action, Actor: { ID: next.id }, timeNano: Date.now() * 1e6 })}\n`,
      );
    },
    closed: () => closed,
  };
}

/** A TCP server that accepts connections and never answers (a published port nobody listens behind). */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}/health`, server };
}

describe("verifyService with Docker events", () => {
  it("wakes on a health_status event instead of waiting out the backoff, and closes the stream", async () => {
    const docker = eventDocker(container({ health: "starting" }));
    setTimeout(() => docker.set(container(), "health_status: healthy"), 60);
    const result = await verifyService(docker.ops, {
      ...base,
      // Without the event the second look would come 2 s after the first.
      backoff: { initialMs: 2_000, factor: 1, maxMs: 2_000 },
    });
    expect(result.ok, result.reason).toBe(true);
    expect(result.startMs).toBeGreaterThanOrEqual(55);
    expect(result.startMs).toBeLessThan(1_000);
    expect(docker.closed()).toBe(true);
  });

  it("fails a crash-loop in the start phase once the container restarted 3 times, with cause crash_loop", async () => {
    const docker = eventDocker(container({ health: "none", restarting: true, restartCount: 1 }));
    for (const [k, count] of [2, 3, 4].entries())
      setTimeout(
        () =>
          docker.set(
            container({ health: "none", restarting: true, restartCount: count, exitCode: 1 }),
            "die",
          ),
        30 * (k + 1),
      );
    const result = await verifyService(docker.ops, {
      ...base,
      backoff: { initialMs: 2_000, factor: 1, maxMs: 2_000 },
    });
    expect(result.ok).toBe(false);
    expect(result.phase).toBe("start");
    expect(result.cause).toBe("crash_loop");
    expect(result.reason).toBe("crash-loop: restarted 3 time(s) during verification (last exit code 1)");
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it("a container that restarted during the start phase and never passed times out as a crash-loop", async () => {
    // The engine's growing restart delay can keep the count below the threshold for the whole timeout.
    const { ops } = fakeDocker([
      container({ health: "starting", restartCount: 2 }),
      container({ health: "starting", restartCount: 3, exitCode: 1 }),
    ]);
    const result = await verifyService(ops, {
      ...base,
      timeoutMs: 300,
      backoff: { initialMs: 50, factor: 1, maxMs: 50 },
    });
    expect(result.ok).toBe(false);
    expect(result.phase).toBe("start");
    expect(result.cause).toBe("crash_loop");
    expect(result.reason).toBe(
      "crash-loop: restarted 1 time(s) and not healthy within 300 ms: Docker health is still starting",
    );
  });

  it("a container that never restarted and never passed still times out as a timeout", async () => {
    const { ops } = fakeDocker([container({ health: "starting" })]);
    const result = await verifyService(ops, {
      ...base,
      timeoutMs: 300,
      backoff: { initialMs: 50, factor: 1, maxMs: 50 },
    });
    expect(result.cause).toBe("timeout");
    expect(result.reason).toBe("not healthy within 300 ms: Docker health is still starting");
  });

  it("the watch window fails as soon as a die event shows the container stopped", async () => {
    const docker = eventDocker(container());
    setTimeout(() => docker.set(container({ running: false, status: "exited", exitCode: 137 }), "die"), 50);
    const result = await verifyService(docker.ops, { ...base, watchMs: 5_000, watchIntervalMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(result.phase).toBe("watch");
    expect(result.cause).toBe("exited");
    expect(result.watchMs).toBeLessThan(1_500);
  });
});

describe("verifyService bounds every wait", () => {
  it("a Docker call that fails (as one past its deadline does) is retried until the timeout (cause timeout)", async () => {
    const { ops } = fakeDocker([container()]);
    ops.findServiceContainer = () =>
      Promise.reject(new Error("Docker daemon unreachable at fake: no answer"));
    const result = await verifyService(ops, { ...base, timeoutMs: 300 });
    expect(result.ok).toBe(false);
    expect(result.cause).toBe("timeout");
    expect(result.reason).toBe("not healthy within 300 ms: Docker daemon unreachable at fake: no answer");
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it("an HTTP health URL that accepts and never answers is cut per probe and fails at the timeout", async () => {
    const { url, server } = await silentServer();
    try {
      const { ops } = fakeDocker([container({ health: "none" })]);
      const result = await verifyService(ops, { ...base, healthUrl: url, timeoutMs: 600 });
      expect(result.ok).toBe(false);
      expect(result.cause).toBe("http");
      expect(result.reason).toContain(`HTTP health: GET ${url} -> no answer within`);
      expect(result.durationMs).toBeLessThan(2_000);
    } finally {
      server.close();
    }
  });
});
