/**
 * The monitor's own Docker Engine API client, over `node:http`: only the calls the monitor makes (list,
 * inspect, the events stream, restart, logs tail, ping). The rest of the runner uses dockerode; the
 * monitor runs for days beside 20 services and loading dockerode (with its SSH, gRPC and protobuf
 * dependencies) alone costs it ~27 MB of its memory target.
 *
 * `DOCKER_HOST` is read like the runner's DockerOps reads it (unix://, tcp://, http://, https://; TLS
 * with `DOCKER_TLS_VERIFY=1` or port 2376, certificates from `DOCKER_CERT_PATH`). Every call has a
 * deadline held by a referenced timer, so a stuck engine neither hangs a check nor lets the process exit.
 */
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { dockerHostFromEnv } from "../docker/docker-host.js";
import { describeDockerEndpoint, DockerUnreachableError, isConnectionError } from "../docker/errors.js";
import { DeadlineError, withDeadline } from "../verify/deadline.js";

/** Longest one engine call may take (the same bound as the runner's DockerOps). */
export const ENGINE_CALL_TIMEOUT_MS = 15_000;

/** Where the engine listens: a Unix socket, or a host and port (plain or TLS). */
export type EngineAddress =
  | { socketPath: string }
  | { host: string; port: number; tls: boolean; ca?: Buffer; cert?: Buffer; key?: Buffer };

/** One row of `GET /containers/json` (the fields the monitor reads). */
export interface ListedContainer {
  Id: string;
  State: string;
  Status: string;
  Created: number;
  Labels: Record<string, string>;
}

/** The engine answered with an HTTP error (404 no such container, 409 conflict, 500 ...). */
export class EngineApiError extends Error {
  override readonly name = "EngineApiError";
  constructor(
    readonly statusCode: number,
    what: string,
    message: string,
  ) {
    super(`${what}: Docker answered ${statusCode}: ${message}`);
  }
}

export function engineAddressFromEnv(env: NodeJS.ProcessEnv): EngineAddress {
  const parsed = dockerHostFromEnv(env);
  if (parsed.kind === "unix") return { socketPath: parsed.socketPath };
  const { host, port, tls } = parsed;
  const address: EngineAddress = { host, port, tls };
  const certs = env.DOCKER_CERT_PATH?.trim();
  if (tls && certs) {
    const read = (file: string) => {
      try {
        return readFileSync(join(certs, file));
      } catch (error) {
        throw new Error(`DOCKER_CERT_PATH '${certs}': cannot read ${file}: ${(error as Error).message}`);
      }
    };
    Object.assign(address, { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") });
  }
  return address;
}

export interface EngineApi {
  readonly endpoint: string;
  ping(): Promise<void>;
  /** `docker ps -a --filter label=...` for every label given (`key=value` or `key`). */
  listContainers(labels: string[]): Promise<ListedContainer[]>;
  /** The inspect document, or null when there is no such container. */
  inspectContainer(id: string): Promise<Record<string, unknown> | null>;
  /**
   * The container events stream for the labels: resolves once the engine answered with its headers;
   * the body streams newline-separated JSON until destroyed. Its socket does not keep the process alive.
   */
  events(labels: string[]): Promise<IncomingMessage>;
  restartContainer(id: string, graceSeconds: number): Promise<void>;
  /** The last `lines` lines of the container's stdout and stderr, demultiplexed unless it has a TTY. */
  logsTail(id: string, lines: number): Promise<string>;
  /** Closes kept-alive connections. */
  close(): void;
}

export function createEngineApi(
  env: NodeJS.ProcessEnv = process.env,
  options: { callTimeoutMs?: number } = {},
): EngineApi {
  const endpoint = describeDockerEndpoint(env);
  const address = engineAddressFromEnv(env);
  const timeoutMs = options.callTimeoutMs ?? ENGINE_CALL_TIMEOUT_MS;
  const tls = "tls" in address && address.tls;
  // Kept-alive connections: a check round reuses them instead of connecting per call. Node unrefs idle
  // sockets of an agent, so they never keep the process alive.
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, maxSockets: 16 })
    : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  const target =
    "socketPath" in address
      ? { socketPath: address.socketPath }
      : {
          host: address.host,
          port: address.port,
          ...(address.ca ? { ca: address.ca, cert: address.cert, key: address.key } : {}),
        };

  /** Sends one request; resolves with the response once its headers arrived (body unread). */
  function open(method: string, path: string, signal: AbortSignal, what: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const send = tls ? httpsRequest : httpRequest;
      const req = send({ ...target, agent, method, path, signal, headers: { host: "docker" } }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 400) return resolve(res);
        readBody(res).then(
          (body) => reject(new EngineApiError(status, what, engineMessage(body))),
          (error: unknown) => reject(error as Error),
        );
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** One bounded call; socket failures and silence read as "Docker daemon unreachable at <endpoint>". */
  async function call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>, ms = timeoutMs): Promise<T> {
    try {
      return await withDeadline(`${what} at ${endpoint}`, ms, fn);
    } catch (error) {
      if (isConnectionError(error)) throw new DockerUnreachableError(endpoint, (error as Error).message);
      if (error instanceof DeadlineError)
        throw new DockerUnreachableError(endpoint, `${what} got no answer within ${ms} ms`);
      throw error;
    }
  }

  const json = <T>(what: string, path: string) =>
    call(
      what,
      async (signal) => JSON.parse((await readBody(await open("GET", path, signal, what))).toString()) as T,
    );

  const labelFilter = (labels: string[], extra: Record<string, string[]> = {}) =>
    encodeURIComponent(JSON.stringify({ ...extra, label: labels }));

  async function inspectContainer(id: string): Promise<Record<string, unknown> | null> {
    try {
      return await json<Record<string, unknown>>(
        "container inspect",
        `/containers/${encodeURIComponent(id)}/json`,
      );
    } catch (error) {
      if (error instanceof EngineApiError && error.statusCode === 404) return null;
      throw error;
    }
  }

  return {
    endpoint,
    async ping() {
      await call("ping", async (signal) => readBody(await open("GET", "/_ping", signal, "ping")));
    },
    listContainers: (labels) =>
      json<ListedContainer[]>("container list", `/containers/json?all=1&filters=${labelFilter(labels)}`),
    inspectContainer,
    events(labels) {
      const path = `/events?filters=${labelFilter(labels, { type: ["container"] })}`;
      return call("events stream", async (signal) => {
        // The stream outlives the call's deadline: only the headers are bounded by it.
        const controller = new AbortController();
        const cancel = () => controller.abort(signal.reason);
        signal.addEventListener("abort", cancel, { once: true });
        const res = await open("GET", path, controller.signal, "events stream");
        signal.removeEventListener("abort", cancel);
        res.socket?.unref();
        return res;
      });
    },
    async restartContainer(id, graceSeconds) {
      const what = `restart of container ${id}`;
      await call(
        what,
        async (signal) =>
          readBody(
            await open(
              "POST",
              `/containers/${encodeURIComponent(id)}/restart?t=${graceSeconds}`,
              signal,
              what,
            ),
          ),
        timeoutMs + graceSeconds * 1000,
      );
    },
    logsTail(id, lines) {
      const path = `/containers/${encodeURIComponent(id)}/logs?stdout=1&stderr=1&tail=${lines}`;
      return call("container logs", async (signal) => {
        const res = await open("GET", path, signal, "container logs");
        const type = String(res.headers["content-type"] ?? "");
        let tty: boolean;
        if (type.includes("multiplexed-stream")) tty = false;
        else if (type.includes("raw-stream")) tty = true;
        else {
          // Older engines do not say: the container's own config does.
          const inspect = await inspectContainer(id);
          tty = (inspect?.Config as { Tty?: boolean } | undefined)?.Tty === true;
        }
        if (tty) return (await readBody(res)).toString("utf8");
        const demux = new FrameDemuxer();
        for await (const chunk of res) demux.push(chunk as Buffer);
        return demux.text();
      });
    },
    close() {
      agent.destroy();
    },
  };
}

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Docker's error body is `{"message": "..."}`; anything else is quoted as it came, cut short. */
function engineMessage(body: Buffer): string {
  const text = body.toString("utf8");
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || "(no message)";
}

/**
 * Demultiplexes a non-TTY container's log stream: frames of a 1-byte stream type (0 stdin, 1 stdout,
 * 2 stderr), 3 zero bytes, a 4-byte big-endian payload length, then the payload. Chunks may cut a
 * header or a payload anywhere; the demuxer carries the torn part over to the next chunk.
 */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly parts: Buffer[] = [];

  push(chunk: Buffer): void {
    let buffer = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buffer.length >= 8) {
      const type = buffer[0]!;
      if (type > 2 || buffer[1] !== 0 || buffer[2] !== 0 || buffer[3] !== 0)
        throw new Error(`Docker log stream: byte ${type} at a frame start is not a stream type (0, 1 or 2)`);
      const length = buffer.readUInt32BE(4);
      if (buffer.length < 8 + length) break;
      this.parts.push(buffer.subarray(8, 8 + length));
      buffer = buffer.subarray(8 + length);
    }
    this.pending = Buffer.from(buffer);
  }

  /** The payloads so far as text; a frame cut short by the end of the stream keeps what arrived. */
  text(): string {
    const tail = this.pending.length > 8 ? [this.pending.subarray(8)] : [];
    return Buffer.concat([...this.parts, ...tail]).toString("utf8");
  }
}
