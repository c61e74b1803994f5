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
