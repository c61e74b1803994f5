import { defineConfig } from "vitest/config";

/**
 * Suites that must run alone, after the others (`npm test` runs both configs): the Docker-daemon
 * restart suite starts and stops a second dockerd, and dockerd takes the shared `docker0` bridge away
 * for a moment when it starts again (see test/helpers/second-dockerd.ts).
 */
export const ISOLATED = ["test/faults/docker-restart.test.ts"];

export default defineConfig({
  test: {
    include: ISOLATED,
    environment: "node",
    env: { RUNNER_COMPOSE: "v1" },
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
