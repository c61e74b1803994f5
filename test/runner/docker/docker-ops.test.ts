import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createDockerOps, dockerOptionsFromEnv, splitReference } from "../../../runner/docker/docker-ops.js";
import { demuxDockerLogs } from "../../../runner/docker/logs.js";
import { toContainerState } from "../../../runner/docker/state.js";

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("docker helpers", () => {
  it("demultiplexes stdout/stderr frames and passes TTY text through", () => {
    expect(demuxDockerLogs(Buffer.concat([frame(1, "out\n"), frame(2, "err\n")]))).toBe("out\nerr\n");
    expect(demuxDockerLogs(Buffer.from("plain tty log\n"))).toBe("plain tty log\n");
  });

  it("reads the state the runner needs from docker inspect", () => {
    const state = toContainerState({
      Id: "abc",
      Name: "/p_web_1",
      Image: "sha256:1",
      Config: { Image: "p_web" },
      RestartCount: 3,
      HostConfig: { RestartPolicy: { Name: "always" } },
      State: {
        Status: "running",
        Running: true,
        Health: { Status: "unhealthy", Log: [{ Output: "a" }, { Output: "wget: 404\n" }] },
      },
    });
    expect(state).toMatchObject({
      name: "p_web_1",
      imageName: "p_web",
      health: "unhealthy",
      healthOutput: "wget: 404",
      restartCount: 3,
      restartPolicy: "always",
    });
    expect(toContainerState({ State: {} }).health).toBe("none");
  });

  it("splits image references into repo and tag", () => {
    expect(splitReference("p_web")).toEqual({ repo: "p_web", tag: "latest" });
    expect(splitReference("registry:5000/acme/api:1.2")).toEqual({
      repo: "registry:5000/acme/api",
      tag: "1.2",
    });
  });

  it("connects where DOCKER_HOST says, and rejects addresses it cannot use", () => {
    expect(dockerOptionsFromEnv({})).toBeUndefined();
    expect(dockerOptionsFromEnv({ DOCKER_HOST: "unix:///run/d.sock" })).toEqual({
      socketPath: "/run/d.sock",
    });
    expect(dockerOptionsFromEnv({ DOCKER_HOST: "tcp://10.0.0.2:2375" })).toEqual({
      host: "10.0.0.2",
      port: "2375",
      protocol: "http",
    });
    expect(dockerOptionsFromEnv({ DOCKER_HOST: "tcp://h:2376" })).toMatchObject({ protocol: "https" });
    expect(() => dockerOptionsFromEnv({ DOCKER_HOST: "ssh://me@h" })).toThrow("supports unix://, tcp://");
  });

  it("an unreachable daemon is a clear error naming where it looked", async () => {
    const docker = createDockerOps({ DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    await expect(docker.ping()).rejects.toThrow(
      /^Docker daemon unreachable at unix:\/\/\/nonexistent\/docker\.sock: .*ENOENT/,
    );
    await expect(docker.findServiceContainer("p", "web")).rejects.toThrow(
      "Docker daemon unreachable at unix:///nonexistent/docker.sock",
    );
  });

  it("a daemon that accepts and never answers: every call ends at its deadline with a clear error", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const endpoint = `tcp://127.0.0.1:${port}`;
    try {
      const docker = createDockerOps({ DOCKER_HOST: endpoint }, { callTimeoutMs: 150 });
      const started = Date.now();
      await expect(docker.inspectContainer("c1")).rejects.toThrow(
        `Docker daemon unreachable at ${endpoint}: container inspect got no answer within 150 ms`,
      );
      await expect(docker.logsTail("c1", 10)).rejects.toThrow("container logs got no answer within 150 ms");
      expect(Date.now() - started).toBeLessThan(2_000);
      // The events stream falls back to timers only, and says why.
      const watch = await docker.watchService!("p", "web");
      expect(watch.live).toBe(false);
      expect(watch.why).toContain("events stream got no answer within 150 ms");
      watch.close();
    } finally {
      server.close();
    }
  });
});
