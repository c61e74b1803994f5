/**
 * The monitor's own Engine API client: the log frame demuxer and DOCKER_HOST parsing as units, an
 * engine that is missing or silent, then every call on real containers (one TTY, one not), built
 * `FROM scratch` with the static busybox.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEventLines, type ContainerEvent } from "../../../runner/docker/events.js";
import {
  createEngineApi,
  engineAddressFromEnv,
  FrameDemuxer,
  type EngineApi,
} from "../../../runner/monitor/engine-api.js";
import { describeDocker } from "../../helpers/docker.js";
import { waitFor } from "../../e2e/wait.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("FrameDemuxer", () => {
  const log = Buffer.concat([
    frame(1, "out one\n"),
    frame(2, "err ünï\n"),
    frame(1, ""),
    frame(1, "out two\n"),
  ]);

  it("joins stdout and stderr payloads in order, without the headers", () => {
    const demux = new FrameDemuxer();
    demux.push(log);
    expect(demux.text()).toBe("out one\nerr ünï\nout two\n");
  });

  it("carries torn headers and payloads over, at every cut and byte by byte", () => {
    for (let cut = 1; cut < log.length; cut++) {
      const demux = new FrameDemuxer();
      demux.push(log.subarray(0, cut));
      demux.push(log.subarray(cut));
      expect(demux.text(), `cut at byte ${cut}`).toBe("out one\nerr ünï\nout two\n");
    }
    const bytewise = new FrameDemuxer();
    for (const byte of log) bytewise.push(Buffer.from([byte]));
    expect(bytewise.text()).toBe("out one\nerr ünï\nout two\n");
  });

  it("keeps what arrived of a frame the stream cut short, and refuses bytes that are no frame", () => {
    const demux = new FrameDemuxer();
    demux.push(Buffer.concat([frame(1, "whole\n"), frame(2, "partial line\n").subarray(0, 12)]));
    expect(demux.text()).toBe("whole\npart");
    expect(() => new FrameDemuxer().push(Buffer.from("plain text, no frames"))).toThrow(/not a stream type/);
  });
});

describe("engineAddressFromEnv", () => {
  it("reads DOCKER_HOST like the runner's DockerOps", () => {
    expect(engineAddressFromEnv({})).toEqual({ socketPath: "/var/run/docker.sock" });
    expect(engineAddressFromEnv({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toEqual({
      socketPath: "/run/user/1000/docker.sock",
    });
    expect(engineAddressFromEnv({ DOCKER_HOST: "tcp://10.0.0.5:2375" })).toEqual({
      host: "10.0.0.5",
      port: 2375,
      tls: false,
    });
    expect(engineAddressFromEnv({ DOCKER_HOST: "tcp://docker.example:2376" })).toMatchObject({ tls: true });
    expect(engineAddressFromEnv({ DOCKER_HOST: "tcp://h", DOCKER_TLS_VERIFY: "1" })).toMatchObject({
      port: 2376,
      tls: true,
    });
    expect(() => engineAddressFromEnv({ DOCKER_HOST: "ssh://me@host" })).toThrow(
      /'ssh:\/\/me@host'.*unix:\/\//,
    );
  });
});

describe("an engine that is not there or does not answer", () => {
  it("a daemon socket that does not exist: the error names it", async () => {
    const socket = join(tmpdir(), `no-such-docker-${process.pid}.sock`);
    const api = createEngineApi({ DOCKER_HOST: `unix://${socket}` });
    await expect(api.ping()).rejects.toThrow(`Docker daemon unreachable at unix://${socket}`);
    await expect(api.listContainers(["a=b"])).rejects.toThrow(/ENOENT/);
    api.close();
  });

  it("an engine that accepts and never answers: each call ends at its deadline, naming the endpoint", async () => {
    const server: Server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const api = createEngineApi({ DOCKER_HOST: endpoint }, { callTimeoutMs: 300 });
    try {
      await expect(api.inspectContainer("c1")).rejects.toThrow(
        `Docker daemon unreachable at ${endpoint}: container inspect got no answer within 300 ms`,
      );
      await expect(api.events(["a=b"])).rejects.toThrow(/events stream got no answer within 300 ms/);
    } finally {
      api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

const prefix = (process.env.TEST_DOCKER_PREFIX ?? "engineapi").toLowerCase().replace(/[^a-z0-9]/g, "");
const project = `${prefix}engineapi${process.pid}`;
const image = `${project}_img:latest`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describeDocker("the monitor's Engine API client on real containers", () => {
  let api: EngineApi;
  let dir: string;
  let plain: string;
  let tty: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "engine-api-"));
    copyFileSync("/usr/bin/busybox", join(dir, "busybox"));
    writeFileSync(
      join(dir, "Dockerfile"),
      [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        "",
      ].join("\n"),
    );
    docker("build", "-q", "-t", image, dir);
    const run = (service: string, flags: string[], script: string) =>
      docker(
        "run",
        "-d",
        ...flags,
        "--name",
        `${project}_${service}`,
        "--label",
        `com.docker.compose.project=${project}`,
        "--label",
        `com.docker.compose.service=${service}`,
        image,
        "/bin/sh",
        "-c",
        script,
      );
    plain = run("plain", [], "echo out-1; echo err-1 >&2; echo out-2; exec sleep 600");
    tty = run("tty", ["-t"], "echo tty-1; echo tty-2; exec sleep 600");
    api = createEngineApi(process.env);
  }, 60_000);

  afterAll(() => {
    api?.close();
    for (const id of [plain, tty]) if (id) docker("rm", "-f", id);
    docker("rmi", "-f", image);
    rmSync(dir, { recursive: true, force: true });
  });

  it("ping, list by labels, inspect (and null for no such container)", async () => {
    await api.ping();
    const all = await api.listContainers([`com.docker.compose.project=${project}`]);
    expect(all.map((c) => c.Id).sort()).toEqual([plain, tty].sort());
    const one = await api.listContainers([
      `com.docker.compose.project=${project}`,
      "com.docker.compose.service=tty",
    ]);
    expect(one.map((c) => [c.Id, c.State, c.Labels["com.docker.compose.service"]])).toEqual([
      [tty, "running", "tty"],
    ]);
    const inspect = (await api.inspectContainer(tty)) as { Id: string; Config: { Tty: boolean } };
    expect(inspect.Id).toBe(tty);
    expect(inspect.Config.Tty).toBe(true);
    expect(await api.inspectContainer(`${project}_nothing`)).toBeNull();
  });

  it("logs tail: demultiplexed without a TTY, as written with one", async () => {
    const text = await waitFor(
      async () => {
        const t = await api.logsTail(plain, 10);
        return t.includes("out-2") && t;
      },
      { what: "the plain container's third line" },
    );
    expect(text.split("\n").sort()).toEqual(["", "err-1", "out-1", "out-2"]);
    expect(await api.logsTail(plain, 1)).toMatch(/^(out-2|err-1)\n$/);
    const ttyText = await waitFor(
      async () => {
        const t = await api.logsTail(tty, 10);
        return t.includes("tty-2") && t;
      },
      { what: "the TTY container's second line" },
    );
    expect(ttyText).toBe("tty-1\r\ntty-2\r\n");
  });

  it("events stream with label filters sees a restart (by restartContainer) of that container only", async () => {
    const stream = await api.events([
      `com.docker.compose.project=${project}`,
      "com.docker.compose.service=tty",
    ]);
    const events: ContainerEvent[] = [];
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parsed = parseEventLines(pending + chunk);
      pending = parsed.rest;
      events.push(...parsed.events);
    });
    try {
      const before = ((await api.inspectContainer(tty)) as { State: { StartedAt: string } }).State.StartedAt;
      await api.restartContainer(tty, 0);
      await waitFor(() => events.some((e) => e.action === "restart"), {
        what: () => `a restart event (have ${events.map((e) => e.action).join(", ")})`,
      });
      expect(new Set(events.map((e) => e.containerId))).toEqual(new Set([tty]));
      const after = (await api.inspectContainer(tty)) as { State: { StartedAt: string; Running: boolean } };
      expect(after.State.Running).toBe(true);
      expect(after.State.StartedAt).not.toBe(before);
    } finally {
      stream.destroy();
    }
    await expect(api.restartContainer(`${project}_nothing`, 0)).rejects.toThrow(/404/);
  });
});
