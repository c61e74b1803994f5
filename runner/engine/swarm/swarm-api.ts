import Docker from "dockerode";
import { withDeadline } from "../../verify/deadline.js";
import { dockerOptionsFromEnv, DOCKER_CALL_TIMEOUT_MS } from "../../docker/docker-ops.js";
import { isNotFound } from "../../docker/errors.js";

/** What the swarm engine reads of a service (`docker service inspect`). */
export interface SwarmServiceState {
  id: string;
  /** The image of the current spec, exactly as set (`repo:tag` or `repo:tag@sha256:..`). */
  image: string;
  /** The image of the spec before the last update (what `docker service rollback` goes back to). */
  previousImage: string | null;
  /** Replicas wanted (null: a global service). */
  replicas: number | null;
  /** Swarm's own rollout state: updating, completed, paused, rollback_started, rollback_completed, ... */
  updateState: string | null;
  updateMessage: string;
}

export interface SwarmTask {
  id: string;
  /** The image the task was created with. */
  image: string;
  /** new, pending, assigned, preparing, starting, running, complete, failed, shutdown, rejected, ... */
  state: string;
  desiredState: string;
  containerId: string | null;
  error: string;
  slot: number | null;
  /** The node the task was scheduled on (empty until it is). */
  nodeId: string;
}

export interface SwarmApi {
  inspectService(name: string): Promise<SwarmServiceState | null>;
  tasks(serviceName: string): Promise<SwarmTask[]>;
  /** `repo@sha256:..` the engine recorded for a pushed image in `repository`, or null. */
  repoDigest(reference: string, repository: string): Promise<string | null>;
  /** This node's id when this engine is a swarm manager (the runner must run on one), else null. */
  managerNodeId(): Promise<string | null>;
}

interface ServiceInspect {
  ID: string;
  Spec?: {
    TaskTemplate?: { ContainerSpec?: { Image?: string } };
    Mode?: { Replicated?: { Replicas?: number } };
  };
  PreviousSpec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } };
  UpdateStatus?: { State?: string; Message?: string };
}

interface TaskInspect {
  ID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export function createSwarmApi(env: NodeJS.ProcessEnv = process.env): SwarmApi {
  const docker = new Docker(dockerOptionsFromEnv(env));
  const call = <T>(name: string, what: () => Promise<T>) =>
    withDeadline(`Docker ${name}`, DOCKER_CALL_TIMEOUT_MS, what);
  return {
    async inspectService(name) {
      try {
        const info = (await call("service inspect", () =>
          docker.getService(name).inspect(),
        )) as ServiceInspect;
        return {
          id: info.ID,
          image: info.Spec?.TaskTemplate?.ContainerSpec?.Image ?? "",
          previousImage: info.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image ?? null,
          replicas: info.Spec?.Mode?.Replicated?.Replicas ?? null,
          updateState: info.UpdateStatus?.State ?? null,
          updateMessage: info.UpdateStatus?.Message ?? "",
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async tasks(serviceName) {
      const list = (await call("task list", () =>
        docker.listTasks({ filters: { service: [serviceName] } }),
      )) as TaskInspect[];
      return list.map((t) => ({
        id: t.ID,
        image: t.Spec?.ContainerSpec?.Image ?? "",
        state: t.Status?.State ?? "",
        desiredState: t.DesiredState ?? "",
        containerId: t.Status?.ContainerStatus?.ContainerID ?? null,
        error: t.Status?.Err ?? "",
        slot: t.Slot ?? null,
        nodeId: t.NodeID ?? "",
      }));
    },
    async repoDigest(reference, repository) {
      const info = (await call("image inspect", () => docker.getImage(reference).inspect())) as {
        RepoDigests?: string[];
      };
      return info.RepoDigests?.find((d) => d.startsWith(`${repository}@`)) ?? null;
    },
    async managerNodeId() {
      const info = (await call("info", () => docker.info())) as {
        Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
      };
      const manager = info.Swarm?.LocalNodeState === "active" && info.Swarm.ControlAvailable === true;
      return manager ? (info.Swarm?.NodeID ?? "") : null;
    },
  };
}
