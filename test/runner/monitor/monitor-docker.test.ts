/**
 * The monitor's engine client: which container is the service's, when a kept inspect still describes
 * it, and on real containers that a kept inspect never hides a change (a kill and start, a crash-loop's
 * restarts) because Docker's events drop it.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContainerState } from "../../../runner/docker/state.js";
import { checkOutcome } from "../../../runner/monitor/check-outcome.js";
import {
  agrees,
  chooseServiceContainer,
  createMonitorDocker,
  SHARED_LIST_MS,
} from "../../../runner/monitor/monitor-docker.js";
import { describeDocker } from "../../helpers/docker.js";
import { waitFor } from "../../e2e/wait.js";
import { createMonitorStack, SERVE, type MonitorStack } from "./monitor-stack.js";

function listed(
  id: string,
  service: string,
  extra: Partial<Docker.ContainerInfo> & { oneoff?: boolean } = {},
): Docker.ContainerInfo {
  const { oneoff, ...rest } = extra;
  return {
    Id: id,
    State: "running",
    Status: "Up 3 minutes",
    Created: 100,
    Labels: {
      "com.docker.compose.service": service,
      ...(oneoff ? { "com.docker.compose.oneoff": "True" } : {}),
    },
    ...rest,
  } as Docker.ContainerInfo;
}

const STATE: ContainerState = {
  id: "c1",
  name: "p_web_1",
  imageId: "sha256:1",
  imageName: "p_web",
  status: "running",
  running: true,
  restarting: false,
  exitCode: 0,
  health: "none",
  healthOutput: "",
  restartCount: 0,
  restartPolicy: "no",
  startedAt: "2026-01-01T00:00:00Z",
};

describe("chooseServiceContainer", () => {
  it("takes the service's running container over an exited newer one, never a one-off", () => {
    const list = [
      listed("old", "web", { Created: 1 }),
      listed("new-exited", "web", { Created: 9, State: "exited" }),
      listed("run", "web", { Created: 20, oneoff: true }),
      listed("api", "api", { Created: 30 }),
    ];
    expect(chooseServiceContainer(list, "web")?.Id).toBe("old");
    expect(chooseServiceContainer(list.slice(1), "web")?.Id).toBe("new-exited");
    expect(chooseServiceContainer(list, "db")).toBeNull();
  });
});

describe("agrees", () => {
  it("holds while the list shows the same container, state word and health", () => {
    expect(agrees(STATE, listed("c1", "web"))).toBe(true);
    expect(agrees(STATE, listed("c2", "web"))).toBe(false);
    expect(agrees(STATE, listed("c1", "web", { State: "exited", Status: "Exited (137) 1 second ago" }))).toBe(
      false,
    );
    const healthy = { ...STATE, health: "healthy" as const };
    expect(agrees(healthy, listed("c1", "web", { Status: "Up 2 minutes (healthy)" }))).toBe(true);
    expect(agrees(healthy, listed("c1", "web", { Status: "Up 2 minutes (unhealthy)" }))).toBe(false);
    expect(agrees(healthy, listed("c1", "web", { Status: "Up 2 seconds (health: starting)" }))).toBe(false);
    expect(agrees(healthy, listed("c1", "web"))).toBe(false);
  });
});

/**
 * A Docker API stand-in over HTTP (DOCKER_HOST=tcp://...): one container `c1` of service `web`; it
 * counts inspects, and its events stream is either refused or held open for the test to write to.
 */
async function fakeEngine(events: "refused" | "open") {
  const engine = { inspects: 0, state: "running", stream: null as ServerResponse | null };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const json = (body: unknown) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (path === "/containers/json")
      return json([
        {
          Id: "c1",
          State: engine.state,
          Status: engine.state === "running" ? "Up 1 minute" : "Exited (1) 1 second ago",
          Created: 1,
          Labels: { "com.docker.compose.project": "p", "com.docker.compose.service": "web" },
        },
      ]);
    if (path === "/containers/c1/json") {
      engine.inspects += 1;
      return json({
        Id: "c1",
        Name: "/p_web_1",
        Image: "sha256:1",
        Config: { Image: "p_web" },
        RestartCount: 0,
        State: { Status: engine.state, Running: engine.state === "running", ExitCode: 0, StartedAt: "t" },
      });
    }
    if (path === "/events") {
      if (events === "refused") return res.writeHead(500).end('{"message":"no events here"}');
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      engine.stream = res;
      return;
    }
    res.writeHead(404).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const env = { DOCKER_HOST: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}` };
  return {
    engine,
    env,
    close: () =>
      new Promise<void>((resolve) => {
        engine.stream?.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("when the monitor's engine client reuses an inspect", () => {
  it("never without an events stream: every check inspects", async () => {
    const fake = await fakeEngine("refused");
    let clock = 0;
    const docker = createMonitorDocker(fake.env, { now: () => (clock += SHARED_LIST_MS) });
    try {
      for (let i = 0; i < 4; i++)
        expect(await docker.findServiceContainer("p", "web")).toMatchObject({ id: "c1" });
      expect(fake.engine.inspects).toBe(4);
    } finally {
      docker.close?.();
      await fake.close();
    }
  });

  it("while the stream is open and quiet; an event about the container or a changed list ends it", async () => {
    const fake = await fakeEngine("open");
    let clock = 0;
    const docker = createMonitorDocker(fake.env, { now: () => (clock += SHARED_LIST_MS) });
    const find = () => docker.findServiceContainer("p", "web");
    try {
      await waitFor(
        async () => {
          await find();
          const before = fake.engine.inspects;
          await find();
          return fake.engine.inspects === before;
        },
        { timeoutMs: 10_000, what: "an inspect kept once the stream is open" },
      );
      const kept = fake.engine.inspects;
      await find();
      expect(fake.engine.inspects).toBe(kept);

      fake.engine.stream!.write(
        `${JSON.stringify({ Type: "container", Action: "die", Actor: { ID: "c1" } })}\n`,
      );
      await waitFor(
        async () => {
          await find();
          return fake.engine.inspects > kept;
        },
        { timeoutMs: 10_000, what: "a new inspect after the die event" },
      );
      const afterEvent = fake.engine.inspects;
      await find();
      expect(fake.engine.inspects).toBe(afterEvent); // quiet again: kept again

      fake.engine.state = "exited";
      expect(await find()).toMatchObject({ running: false, status: "exited" });
      expect(fake.engine.inspects).toBe(afterEvent + 1);
    } finally {
      docker.close?.();
      await fake.close();
    }
  });
});

describeDocker("the monitor's engine client on real containers", () => {
  let stack: MonitorStack;
  let docker: ReturnType<typeof createMonitorDocker>;
  // The client's clock: moved on by hand past the shared list, so each find lists afresh.
  let clock = 0;

  beforeAll(async () => {
    stack = await createMonitorStack("engine", [
      { name: "web" },
      { name: "loop", command: 'echo "service $$SERVICE starting"; sleep 1; exit 3', restart: "always" },
      {
        name: "probed",
        command: `touch /ok; ${SERVE}`,
        healthcheck: "test -f /ok",
      },
    ]);
    stack.up();
    docker = createMonitorDocker(stack.env, { now: () => clock });
  }, 180_000);

  afterAll(async () => {
    docker?.close?.();
    await stack?.cleanup();
  }, 120_000);

  const find = (service: string) => {
    clock += SHARED_LIST_MS;
    return docker.findServiceContainer(stack.project, service);
  };

  // First: Docker's restart back-off doubles with every crash, so later restarts come slowly.
  it("a crash-looping container's restart count keeps rising", async () => {
    const counts = new Set<number>();
    await waitFor(
      async () => {
        const state = await find("loop");
        if (state) counts.add(state.restartCount);
        return counts.size >= 3;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: () => `three restart counts, saw ${[...counts].join(", ")}`,
      },
    );
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("a kill and a start are seen at once, though the container runs again under the same id", async () => {
    const first = await waitFor(async () => (await find("web"))?.running && find("web"), {
      what: "web running",
    });
    // Once the events stream is open, an unchanged container's inspect is kept.
    const kept = await waitFor(
      async () => {
        const a = await find("web");
        const b = await find("web");
        return a === b ? b : null;
      },
      { timeoutMs: 20_000, what: "a kept inspect of an unchanged container" },
    );
    expect(kept).toMatchObject({ id: first!.id, running: true });

    const container = await stack.container("web");
    await container.kill();
    await container.start();
    const fresh = await waitFor(
      async () => {
        const state = await find("web");
        return state && state.running && state.startedAt !== kept!.startedAt ? state : null;
      },
      { timeoutMs: 10_000, what: "the restarted container's new start time" },
    );
    expect(fresh.id).toBe(first!.id);
  }, 60_000);

  it("restartContainer (monitor.restart_on_failure) restarts the container in place", async () => {
    const before = (await find("web"))!;
    await docker.restartContainer!(before.id);
    const after = await waitFor(
      async () => {
        const state = await find("web");
        return state?.running && state.startedAt !== before.startedAt ? state : null;
      },
      { timeoutMs: 20_000, what: "web running again with a new start time" },
    );
    expect(after.id).toBe(before.id);
  }, 60_000);

  it("Docker's HEALTHCHECK turning unhealthy is seen, and the check fails on it", async () => {
    await waitFor(async () => (await find("probed"))?.health === "healthy", {
      timeoutMs: 20_000,
      what: "probed healthy",
    });
    const id = (await find("probed"))!.id;
    execFileSync("docker", ["exec", id, "rm", "/ok"], { env: stack.env });
    const unhealthy = await waitFor(
      async () => {
        const state = await find("probed");
        return state?.health === "unhealthy" ? state : null;
      },
      { timeoutMs: 20_000, what: "probed unhealthy" },
    );
    expect(checkOutcome({ container: unhealthy })).toMatchObject({ ok: false, cause: "unhealthy" });
    execFileSync("docker", ["exec", id, "touch", "/ok"], { env: stack.env });
    await waitFor(async () => (await find("probed"))?.health === "healthy", {
      timeoutMs: 20_000,
      what: "probed healthy again",
    });
  }, 60_000);
});
