import { describe, expect, it } from "vitest";
import {
  attemptWhileDockerReturns,
  awaitDocker,
  DOCKER_PING_EVERY_MS,
  type DockerWait,
} from "../../../runner/pipeline/docker-wait.js";

/**
 * A daemon that answers or not by a script of (fake) time: `down` holds the [from, to) windows in
 * which ping throws. Sleeping only moves the fake clock.
 */
function fakeDocker(down: Array<[number, number]>) {
  let t = 0;
  const notes: Array<{ message: string; away: boolean }> = [];
  let pings = 0;
  const isDown = () => down.some(([from, to]) => t >= from && t < to);
  const wait: DockerWait = {
    clock: {
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    },
    ping: async () => {
      pings++;
      if (isDown()) throw new Error("connect ECONNREFUSED /var/run/docker.sock");
    },
    note: (message, away) => {
      notes.push({ message, away });
    },
  };
  return {
    wait,
    notes,
    isDown,
    pings: () => pings,
    advance: (ms: number) => {
      t += ms;
    },
    now: () => t,
  };
}

describe("awaitDocker", () => {
  it("returns at once, saying nothing, when Docker answers", async () => {
    const docker = fakeDocker([]);
    await awaitDocker(docker.wait, 10_000);
    expect(docker.pings()).toBe(1);
    expect(docker.notes).toEqual([]);
  });

  it("waits for a daemon that comes back, saying so once when it is away and once when it is back", async () => {
    const docker = fakeDocker([[0, 3_500]]);
    await awaitDocker(docker.wait, 10_000);
    expect(docker.now()).toBe(4 * DOCKER_PING_EVERY_MS);
    expect(docker.notes.map((n) => n.away)).toEqual([true, false]);
    expect(docker.notes[0]!.message).toContain("ECONNREFUSED");
    expect(docker.notes[1]!.message).toBe("Docker answers again after 4000 ms");
  });

  it("gives up after its limit without throwing when the daemon never comes back", async () => {
    const docker = fakeDocker([[0, Infinity]]);
    await awaitDocker(docker.wait, 5_000);
    expect(docker.now()).toBe(5_000);
    expect(docker.notes.map((n) => n.away)).toEqual([true]);
  });
});

type Attempt = { ok: true } | { ok: false; reason: string };

describe("attemptWhileDockerReturns (the rollback's retry loop)", () => {
  it("runs the attempt once when it succeeds", async () => {
    const docker = fakeDocker([]);
    let attempts = 0;
    const result = await attemptWhileDockerReturns<Attempt>(
      docker.wait,
      120_000,
      async () => {
        attempts++;
        return { ok: true };
      },
      () => expect.unreachable("no retry after a success"),
    );
    expect(result).toEqual({ ok: true });
    expect(attempts).toBe(1);
  });

  it("does not retry an attempt that failed while Docker answers (a real failure)", async () => {
    const docker = fakeDocker([]);
    let attempts = 0;
    const result = await attemptWhileDockerReturns<Attempt>(
      docker.wait,
      120_000,
      async () => {
        attempts++;
        return { ok: false, reason: "rollback up failed: port is already allocated" };
      },
      () => expect.unreachable("no retry while Docker answers"),
    );
    expect(result).toEqual({ ok: false, reason: "rollback up failed: port is already allocated" });
    expect(attempts).toBe(1);
  });

  it("when Docker went away under the attempt, waits for it and starts the attempt over", async () => {
    // Docker answers the first wait, dies during the first attempt (at t=100) and is back at t=2500.
    const docker = fakeDocker([[100, 2_500]]);
    const startedAt: number[] = [];
    const retries: string[] = [];
    const result = await attemptWhileDockerReturns<Attempt>(
      docker.wait,
      120_000,
      async () => {
        startedAt.push(docker.now());
        docker.advance(150);
        return docker.isDown()
          ? { ok: false, reason: "re-tagging the old image failed: ECONNREFUSED" }
          : { ok: true };
      },
      (reason) => {
        retries.push(reason);
      },
    );
    expect(result).toEqual({ ok: true });
    expect(retries).toEqual(["re-tagging the old image failed: ECONNREFUSED"]);
    // The second attempt started only once Docker answered again.
    expect(startedAt).toHaveLength(2);
    expect(startedAt[0]).toBe(0);
    expect(startedAt[1]).toBeGreaterThanOrEqual(2_500);
    expect(docker.notes.map((n) => n.away)).toEqual([true, false]);
  });

  it("is bounded: a daemon that keeps going away under the attempt ends it after the limit, with the last failure", async () => {
    // Docker flaps: it answers each ping after a sleep, and is gone again whenever an attempt runs.
    const docker = fakeDocker([]);
    let attempts = 0;
    let flapping = false;
    docker.wait.ping = async () => {
      if (flapping) throw new Error("connect ECONNREFUSED /var/run/docker.sock");
    };
    const sleep = docker.wait.clock.sleep;
    docker.wait.clock.sleep = async (ms) => {
      flapping = false;
      await sleep(ms);
    };
    const result = await attemptWhileDockerReturns<Attempt>(
      docker.wait,
      10_000,
      async () => {
        attempts++;
        flapping = true;
        docker.advance(1_000);
        return { ok: false, reason: `attempt ${attempts} lost Docker` };
      },
      () => {},
    );
    expect(result.ok).toBe(false);
    expect(docker.now()).toBeGreaterThanOrEqual(10_000);
    expect(docker.now()).toBeLessThan(10_000 + 2 * DOCKER_PING_EVERY_MS + 1_000);
    expect(attempts).toBeGreaterThan(1);
    expect(result).toEqual({ ok: false, reason: `attempt ${attempts} lost Docker` });
  });
});
