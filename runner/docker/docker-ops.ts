import Docker from "dockerode";
import { demuxDockerLogs } from "./logs.js";
import { toContainerState, type ContainerState } from "./state.js";
import { describeDockerEndpoint, DockerUnreachableError, isConnectionError, isNotFound } from "./errors.js";

/** Everything the runner asks the Docker engine. Tests may swap in a fake; production uses dockerode. */
export interface DockerOps {
  readonly endpoint: string;
  /** Throws DockerUnreachableError when the daemon does not answer. */
  ping(): Promise<void>;
  /** The service's container by Compose labels (not one-off `run` containers), or null. */
  findServiceContainer(project: string, service: string): Promise<ContainerState | null>;
  inspectContainer(id: string): Promise<ContainerState | null>;
  /** The image id for a reference or id, or null when the engine does not have it. */
  imageId(reference: string): Promise<string | null>;
  /** Points `repo:tag` at an existing image id. */
  tagImage(imageId: string, reference: string): Promise<void>;
  logsTail(containerId: string, lines: number): Promise<string>;
}

export function createDockerOps(env: NodeJS.ProcessEnv = process.env): DockerOps {
  const endpoint = describeDockerEndpoint(env);
  const docker = new Docker(dockerOptionsFromEnv(env));

  // Every call goes through here so that a missing daemon always reads the same way.
  async function call<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (error) {
      if (isConnectionError(error)) {
        throw new DockerUnreachableError(endpoint, (error as Error).message);
      }
      throw error;
    }
  }

  async function inspectContainer(id: string): Promise<ContainerState | null> {
    try {
      return toContainerState(await call(() => docker.getContainer(id).inspect()));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  return {
    endpoint,
    async ping() {
      await call(() => docker.ping());
    },
    async findServiceContainer(project, service) {
      const list = await call(() =>
        docker.listContainers({
          all: true,
          filters: {
            label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
          },
        }),
      );
      const candidates = list
        .filter((c) => c.Labels?.["com.docker.compose.oneoff"] !== "True")
        // A running replica first, then the newest.
        .sort(
          (a, b) => Number(b.State === "running") - Number(a.State === "running") || b.Created - a.Created,
        );
      const chosen = candidates[0];
      return chosen ? inspectContainer(chosen.Id) : null;
    },
    inspectContainer,
    async imageId(reference) {
      try {
        const info = await call(() => docker.getImage(reference).inspect());
        return info.Id;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async tagImage(imageId, reference) {
      const { repo, tag } = splitReference(reference);
      await call(() => docker.getImage(imageId).tag({ repo, tag }));
    },
    async logsTail(containerId, lines) {
      const buffer = await call(
        () =>
          docker
            .getContainer(containerId)
            .logs({ stdout: true, stderr: true, tail: lines, follow: false }) as Promise<Buffer | string>,
      );
      return typeof buffer === "string" ? buffer : demuxDockerLogs(buffer);
    },
  };
}

/** `registry:5000/app:1.2` -> repo `registry:5000/app`, tag `1.2`; no tag means `latest`. */
export function splitReference(reference: string): { repo: string; tag: string } {
  const withoutDigest = reference.split("@")[0]!;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon > slash) return { repo: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repo: withoutDigest, tag: "latest" };
}

/**
 * Connection options from `DOCKER_HOST` (dockerode would read process.env itself; taking `env` keeps
 * the runner testable and lets one process talk to another engine). Unset: dockerode's default socket.
 */
export function dockerOptionsFromEnv(env: NodeJS.ProcessEnv): Docker.DockerOptions | undefined {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return undefined;
  if (host.startsWith("unix://"))
    return { socketPath: host.slice("unix://".length) || "/var/run/docker.sock" };
  let url: URL;
  try {
    url = new URL(host.includes("://") ? host : `tcp://${host}`);
  } catch {
    throw new Error(`DOCKER_HOST '${host}' is not a valid address (use unix:///path or tcp://host:port)`);
  }
  if (url.protocol !== "tcp:" && url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`DOCKER_HOST '${host}': the runner supports unix://, tcp://, http:// and https:// only`);
  }
  const tls = url.protocol === "https:" || env.DOCKER_TLS_VERIFY === "1" || url.port === "2376";
  return { host: url.hostname, port: url.port || (tls ? "2376" : "2375"), protocol: tls ? "https" : "http" };
}
