/** Container states and check outcomes for the monitor's unit tests. */
import type { ContainerState } from "../../../runner/docker/state.js";

export function container(overrides: Partial<ContainerState> = {}): ContainerState {
  return {
    id: "c1",
    name: "stack-web-1",
    imageId: "sha256:1",
    imageName: "stack_web",
    status: "running",
    running: true,
    restarting: false,
    exitCode: 0,
    health: "none",
    healthOutput: "",
    restartCount: 0,
    restartPolicy: "always",
    startedAt: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}
