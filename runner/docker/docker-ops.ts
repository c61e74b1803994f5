import Docker from "dockerode";
import { dockerHostFromEnv } from "./docker-host.js";
import { DeadlineError, withDeadline } from "../verify/deadline.js";
import { idleWatch, streamWatch, WATCHED_ACTIONS, type EventWatch } from "./events.js";
import { demuxDockerLogs } from "./logs.js";
import { snapshotFromInspect, type ContainerSnapshot } from "./snapshot.js";
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
  /**
   * Container events of the service from now on (health changes, die, restart, start). Optional: a
   * DockerOps without it (or whose stream fails to open) leaves the verifier polling on its backoff.
   */
  watchService?(project: string, service: string): Promise<EventWatch>;
  /** The same for the containers that carry every one of `labels` (`key=value`), e.g. a swarm service's tasks. */
  watchContainers?(labels: string[]): Promise<EventWatch>;
  /** A container's create options, for a fast rollback to it (or why that is not possible). */
  snapshotContainer?(
    id: string,
  ): Promise<{ ok: true; snapshot: ContainerSnapshot } | { ok: false; why: string }>;
  /**
   * Boots the snapshot's container again in place of the service's containers (killed at once, not
   * given a grace period: they failed verification), then removes those; returns the new container's id.
   * `mark` is told each phase as it ends (for the rollback's timeline).
   */
  restoreSnapshot?(
    snapshot: ContainerSnapshot,
    project: string,
    service: string,
    mark?: (phase: RestorePhase) => void,
  ): Promise<string>;
}

/** The phases of a snapshot restore, in the order they usually end. */
export type RestorePhase = "listed" | "renamed" | "created" | "killed" | "started" | "removed";

/**
 * Longest the runner waits for one Docker API answer. An inspect takes milliseconds; a daemon that
 * has not answered in this long is treated as unreachable rather than waited on forever.
 */
export const DOCKER_CALL_TIMEOUT_MS = 15_000;

export function createDockerOps(
  env: NodeJS.ProcessEnv = process.env,
  options: { callTimeoutMs?: number } = {},
): DockerOps {
  const endpoint = describeDockerEndpoint(env);
  const docker = new Docker(dockerOptionsFromEnv(env));
  const callTimeoutMs = options.callTimeoutMs ?? DOCKER_CALL_TIMEOUT_MS;

  // Every call goes through here so that a missing or stuck daemon always reads the same way, and
  // no call waits longer than callTimeoutMs (the signal also cancels the request where dockerode
  // passes it on).
  async function call<T>(what: (signal: AbortSignal) => Promise<T>, name = "Docker API call"): Promise<T> {
    try {
      return await withDeadline(`${name} at ${endpoint}`, callTimeoutMs, what);
    } catch (error) {
      if (isConnectionError(error)) {
        throw new DockerUnreachableError(endpoint, (error as Error).message);
      }
      if (error instanceof DeadlineError) {
        throw new DockerUnreachableError(endpoint, `${name} got no answer within ${callTimeoutMs} ms`);
      }
      throw error;
    }
  }

  async function watchContainers(labels: string[]): Promise<EventWatch> {
    try {
      // Only the response headers are awaited here; the body streams for as long as the watch lives.
      // A stream that opens after its deadline is closed at once, so it cannot keep the process alive.
      const stream = await call((abortSignal) => {
        const opening = docker.getEvents({
          filters: { type: ["container"], label: labels, event: WATCHED_ACTIONS },
          abortSignal,
        } as Docker.GetEventsOptions) as Promise<Closable>;
        abortSignal.addEventListener(
          "abort",
          () =>
            void opening.then(
              (late) => late.destroy?.(),
              () => {},
            ),
        );
        return opening;
      }, "events stream");
      return streamWatch(stream);
    } catch (error) {
      return idleWatch(`events stream unavailable: ${(error as Error).message}`);
    }
  }

  async function inspectContainer(id: string): Promise<ContainerState | null> {
    try {
      return toContainerState(
        await call((abortSignal) => docker.getContainer(id).inspect({ abortSignal }), "container inspect"),
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  return {
    endpoint,
    async ping() {
      await call(() => docker.ping(), "ping");
    },
    async findServiceContainer(project, service) {
      const list = await call(
        (abortSignal) =>
          docker.listContainers({
            all: true,
            filters: { label: serviceLabels(project, service) },
            abortSignal,
          }),
        "container list",
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
        const info = await call(() => docker.getImage(reference).inspect(), "image inspect");
        return info.Id;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async tagImage(imageId, reference) {
      const { repo, tag } = splitReference(reference);
      await call((abortSignal) => docker.getImage(imageId).tag({ repo, tag, abortSignal }), "image tag");
    },
    async logsTail(containerId, lines) {
      const buffer = await call(
        (abortSignal) =>
          docker
            .getContainer(containerId)
            .logs({ stdout: true, stderr: true, tail: lines, follow: false, abortSignal }) as Promise<
            Buffer | string
          >,
        "container logs",
      );
      return typeof buffer === "string" ? buffer : demuxDockerLogs(buffer);
    },
    async snapshotContainer(id) {
      const info = await call(
        (abortSignal) => docker.getContainer(id).inspect({ abortSignal }),
        "container inspect",
      );
      return snapshotFromInspect(info as unknown as Parameters<typeof snapshotFromInspect>[0]);
    },
    async restoreSnapshot(snapshot, project, service, mark = () => {}) {
      const [byLabel, byName] = await Promise.all([
        call(
          (abortSignal) =>
            docker.listContainers({
              all: true,
              filters: { label: serviceLabels(project, service) },
              abortSignal,
            }),
          "container list",
        ),
        call(
          (abortSignal) =>
            docker.listContainers({ all: true, filters: { name: [snapshot.name] }, abortSignal }),
          "container list",
        ),
      ]);
      mark("listed");
      // One-off `run` containers are the operator's; several replicas are Compose's to restore.
      const replicas = byLabel.filter((c) => c.Labels?.["com.docker.compose.oneoff"] !== "True");
      if (replicas.length > 1)
        throw new Error(`the service has ${replicas.length} containers; Compose restores replicas`);
      const holdsName = byName.filter((c) => c.Names?.includes(`/${snapshot.name}`));
      const doomed = [...new Set([...replicas, ...holdsName].map((c) => c.Id))];
      const ignoreGone = (error: unknown) => {
        if (!isNotFound(error)) throw error;
      };
      // The failed container first gives up the name (a rename is instant, a few ms), and only then
      // are the failed containers killed (stopped through the API with no grace period, a container is
      // not started again by its restart policy) while the old one is created beside them: renaming a
      // container while its stop is under way can fail on a loaded daemon, so the two never overlap.
      // A container between two restarts of a crash loop cannot be renamed (it has no network sandbox
      // then): that one is removed instead. Only the start needs the host ports the failed ones hold.
      await Promise.all(
        holdsName.map((c) =>
          call(
            (abortSignal) =>
              docker
                .getContainer(c.Id)
                .rename({ name: `${snapshot.name}_failed_${c.Id.slice(0, 12)}`, abortSignal })
                // (Docker answers that one with a 404 naming the sandbox, so any failure goes this way.)
                .catch(() => docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone)),
            "container rename",
          ),
        ),
      );
      mark("renamed");
      const killed = Promise.all(
        doomed.map((id) =>
          call(
            (abortSignal) =>
              docker
                .getContainer(id)
                .stop({ t: 0, abortSignal })
                .catch((error: unknown) => {
                  // 304: it had stopped already.
                  if ((error as { statusCode?: number }).statusCode !== 304) ignoreGone(error);
                }),
            "container stop",
          ),
        ),
      ).then(() => mark("killed"));
      const created = call(() => docker.createContainer(snapshot.create), "container create").then(
        (container) => {
          mark("created");
          return container;
        },
      );
      // Both settle before anything is decided, so no call is left running behind a failure.
      const [kill, create] = await Promise.allSettled([killed, created]);
      if (create.status === "rejected") throw create.reason;
      const restored = create.value;
      try {
        if (kill.status === "rejected") throw kill.reason;
        for (const [network, endpoint] of Object.entries(snapshot.extraNetworks))
          await call(
            () => docker.getNetwork(network).connect({ Container: restored.id, EndpointConfig: endpoint }),
            "network connect",
          );
        await call(() => restored.start(), "container start");
        mark("started");
      } catch (error) {
        // Leave Compose (the caller's fallback) one container to converge, not a half-restored twin.
        await call(() => restored.remove({ force: true }).catch(ignoreGone), "container remove").catch(
          () => {},
        );
        throw error;
      }
      // The failed containers go once the old one runs (their logs are in the run's artifacts).
      await Promise.all(
        doomed.map((id) =>
          call(() => docker.getContainer(id).remove({ force: true }).catch(ignoreGone), "container remove"),
        ),
      );
      mark("removed");
      return restored.id;
    },
    watchService: (project, service) => watchContainers(serviceLabels(project, service)),
    watchContainers,
  };
}

type Closable = NodeJS.ReadableStream & { destroy?: () => void };

function serviceLabels(project: string, service: string): string[] {
  return [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`];
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
  if (!env.DOCKER_HOST?.trim()) return undefined;
  const host = dockerHostFromEnv(env);
  if (host.kind === "unix") return { socketPath: host.socketPath };
  return { host: host.host, port: String(host.port), protocol: host.tls ? "https" : "http" };
}
