import { describe, expect, it } from "vitest";
import { DEFAULT_DOCKER_SOCKET, dockerHostFromEnv } from "../../../runner/docker/docker-host.js";

describe("dockerHostFromEnv", () => {
  it("reads a socket from nothing or unix://", () => {
    expect(dockerHostFromEnv({})).toEqual({ kind: "unix", socketPath: DEFAULT_DOCKER_SOCKET });
    expect(dockerHostFromEnv({ DOCKER_HOST: " unix:///run/user/1000/docker.sock " })).toEqual({
      kind: "unix",
      socketPath: "/run/user/1000/docker.sock",
    });
  });

  it("reads TCP with TLS for https, DOCKER_TLS_VERIFY=1 or port 2376, and strips IPv6 brackets", () => {
    expect(dockerHostFromEnv({ DOCKER_HOST: "tcp://10.0.0.5:2375" })).toEqual({
      kind: "tcp",
      host: "10.0.0.5",
      port: 2375,
      tls: false,
    });
    expect(dockerHostFromEnv({ DOCKER_HOST: "docker.internal" })).toMatchObject({ port: 2375, tls: false });
    expect(dockerHostFromEnv({ DOCKER_HOST: "https://d.example" })).toMatchObject({ port: 2376, tls: true });
    expect(dockerHostFromEnv({ DOCKER_HOST: "tcp://d:2376" })).toMatchObject({ tls: true });
    expect(dockerHostFromEnv({ DOCKER_HOST: "tcp://d:2375", DOCKER_TLS_VERIFY: "1" })).toMatchObject({
      tls: true,
    });
    expect(dockerHostFromEnv({ DOCKER_HOST: "tcp://[::1]:2375" })).toMatchObject({ host: "::1" });
  });

  it("names a value it cannot use", () => {
    expect(() => dockerHostFromEnv({ DOCKER_HOST: "ssh://me@box" })).toThrow(/DOCKER_HOST 'ssh:\/\/me@box'/);
    expect(() => dockerHostFromEnv({ DOCKER_HOST: "tcp://bad host" })).toThrow(/not a valid address/);
  });
});
