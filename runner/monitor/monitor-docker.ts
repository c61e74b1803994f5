/** The engine as the monitor uses it: the runner's DockerOps, plus a container restart for `restart_on_failure`. */
import Docker from "dockerode";
import { createDockerOps, dockerOptionsFromEnv, DOCKER_CALL_TIMEOUT_MS } from "../docker/docker-ops.js";
import { withDeadline } from "../verify/deadline.js";
import type { MonitorDocker } from "./checker.js";

export function createMonitorDocker(
  env: NodeJS.ProcessEnv = process.env,
): MonitorDocker & { endpoint: string } {
  const ops = createDockerOps(env);
  const docker = new Docker(dockerOptionsFromEnv(env));
  return {
    endpoint: ops.endpoint,
    ping: () => ops.ping(),
    findServiceContainer: (project, service) => ops.findServiceContainer(project, service),
    logsTail: (id, lines) => ops.logsTail(id, lines),
    async restartContainer(id) {
      await withDeadline(`restart of container ${id}`, DOCKER_CALL_TIMEOUT_MS * 2, () =>
        docker.getContainer(id).restart({ t: 5 }),
      );
    },
  };
}
