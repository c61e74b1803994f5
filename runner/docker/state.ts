/** What the runner needs to know about one container, taken from `docker inspect`. */
export interface ContainerState {
  id: string;
  name: string;
  /** The image id the container runs (`sha256:...`). */
  imageId: string;
  /** The image reference the container was created from (`proj_web`, `proj_web:latest`, ...). */
  imageName: string;
  /** Docker's status word: created, running, restarting, paused, exited, dead. */
  status: string;
  running: boolean;
  restarting: boolean;
  exitCode: number;
  /** `none` when the image defines no HEALTHCHECK. */
  health: "none" | "starting" | "healthy" | "unhealthy";
  /** Output of the last Docker health probe, if any. */
  healthOutput: string;
  restartCount: number;
  restartPolicy: string;
  startedAt: string;
}

interface InspectLike {
  Id?: string;
  Name?: string;
  Image?: string;
  Config?: { Image?: string };
  RestartCount?: number;
  HostConfig?: { RestartPolicy?: { Name?: string } };
  State?: {
    Status?: string;
    Running?: boolean;
    Restarting?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    Health?: { Status?: string; Log?: Array<{ Output?: string }> };
  };
}

const HEALTH = new Set(["starting", "healthy", "unhealthy"]);

export function toContainerState(inspect: InspectLike): ContainerState {
  const state = inspect.State ?? {};
  const healthStatus = state.Health?.Status ?? "none";
  const log = state.Health?.Log ?? [];
  return {
    id: inspect.Id ?? "",
    name: (inspect.Name ?? "").replace(/^\//, ""),
    imageId: inspect.Image ?? "",
    imageName: inspect.Config?.Image ?? "",
    status: state.Status ?? "unknown",
    running: state.Running === true,
    restarting: state.Restarting === true,
    exitCode: state.ExitCode ?? 0,
    health: HEALTH.has(healthStatus) ? (healthStatus as ContainerState["health"]) : "none",
    healthOutput: (log[log.length - 1]?.Output ?? "").trim(),
    restartCount: inspect.RestartCount ?? 0,
    restartPolicy: inspect.HostConfig?.RestartPolicy?.Name ?? "",
    startedAt: state.StartedAt ?? "",
  };
}
