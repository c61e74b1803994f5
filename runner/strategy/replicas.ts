/** Thin Docker driver for the start-first switch: list the service's containers, address, stop, remove. */
import Docker from "dockerode";
import { dockerOptionsFromEnv } from "../docker/docker-ops.js";
import { isNotFound } from "../docker/errors.js";
import { withDeadline } from "../verify/deadline.js";
import { pickAddress, type Replica } from "./switch-state.js";

export interface ReplicaOps {
  /** The service's containers (not one-off `run` containers), running or not. */
  list(project: string, service: string): Promise<Replica[]>;
  /** The container's address on the compose network (the project's default network first), or null. */
  address(project: string, id: string): Promise<string | null>;
  /** The container's name and, per network it is attached to, its endpoint's aliases. */
  networks(id: string): Promise<{ name: string; networks: Record<string, string[]> }>;
  /**
   * Attaches the container to `network` with these aliases (Docker adds the container's own names),
   * detaching it first when it is attached: Docker cannot change an endpoint's aliases in place.
   */
  attach(id: string, network: string, aliases: string[]): Promise<void>;
  /** Starts a created container; a running one is fine. */
  start(id: string): Promise<void>;
  /** Stops a container (SIGTERM, then SIGKILL after `timeoutS`); a gone container is fine. */
  stop(id: string, timeoutS: number): Promise<void>;
  /** Removes a container at once (killed if it runs); a gone container is fine. */
  remove(id: string): Promise<void>;
}

const CALL_MS = 15_000;

export function createReplicaOps(env: NodeJS.ProcessEnv): ReplicaOps {
  const docker = new Docker(dockerOptionsFromEnv(env));
  const call = <T>(name: string, what: () => Promise<T>, ms = CALL_MS) => withDeadline(name, ms, what);
  const goneIsFine = (error: unknown) => {
    if (!isNotFound(error)) throw error;
  };
  return {
    async list(project, service) {
      const list = await call("container list", () =>
        docker.listContainers({
          all: true,
          filters: {
            label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
          },
        }),
      );
      return list
        .filter((c) => c.Labels?.["com.docker.compose.oneoff"] !== "True")
        .map((c) => ({
          id: c.Id,
          name: (c.Names?.[0] ?? c.Id).replace(/^\//, ""),
          running: c.State === "running",
          created: c.Created,
        }));
    },
    async address(project, id) {
      const info = await call("container inspect", () => docker.getContainer(id).inspect());
      return pickAddress(
        project,
        (info.NetworkSettings?.Networks ?? {}) as Record<string, { IPAddress?: string }>,
      );
    },
    async networks(id) {
      const info = await call("container inspect", () => docker.getContainer(id).inspect());
      const networks = (info.NetworkSettings?.Networks ?? {}) as Record<
        string,
        { Aliases?: string[] | null }
      >;
      return {
        name: (info.Name ?? id).replace(/^\//, ""),
        networks: Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, n.Aliases ?? []])),
      };
    },
    async attach(id, network, aliases) {
      const net = docker.getNetwork(network);
      await call("network disconnect", () =>
        net.disconnect({ Container: id, Force: true }).catch((error: { statusCode?: number }) => {
          // 404: not attached (or gone: connect says so); 403/500 "is not connected": fine as well.
          if (error.statusCode === 404 || /not connected/i.test(String(error))) return;
          throw error;
        }),
      );
      await call("network connect", () =>
        net.connect({ Container: id, EndpointConfig: { Aliases: aliases } }),
      );
    },
    async start(id) {
      await call("container start", () =>
        docker
          .getContainer(id)
          .start()
          .catch((error: { statusCode?: number }) => {
            if (error.statusCode === 304) return; // already running
            throw error;
          }),
      );
    },
    async stop(id, timeoutS) {
      await call(
        "container stop",
        () =>
          docker
            .getContainer(id)
            .stop({ t: timeoutS })
            .catch((error: { statusCode?: number }) => {
              if (error.statusCode === 304) return; // already stopped
              goneIsFine(error);
            }),
        CALL_MS + timeoutS * 1000,
      );
    },
    async remove(id) {
      await call("container remove", () => docker.getContainer(id).remove({ force: true }).catch(goneIsFine));
    },
  };
}
