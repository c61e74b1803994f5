import { defineConfig } from "vitest/config";

/**
 * The Compose v2 pass (`npm test` runs it after the main pass): the Docker suites whose outcome
 * depends on how Compose builds, names, replaces and stops containers run again with the runner
 * forced to the v2 plugin (`RUNNER_COMPOSE=v2`; the test helpers use the same CLI for their own
 * setup and cleanup). The main pass forces v1, so a machine with both runs each flavor once.
 *
 * Not repeated here: the kill-point sweeps (test/faults/kill-points-*), the GitHub fault and
 * reporting suites and the monitor: they kill or observe the runner between journal events, which
 * does not depend on the Compose flavor, and they are the slowest suites. See README, "Compose v2".
 */
export const COMPOSE_V2_SUITES = [
  "test/runner/pipeline/deploy.test.ts",
  "test/runner/pipeline/first-deploy.test.ts",
  "test/runner/pipeline/rollback.test.ts",
  "test/runner/pipeline/reconcile.test.ts",
  "test/runner/pipeline/interrupted.test.ts",
  "test/runner/cli/deploy-crash-loop.test.ts",
  "test/runner/lock/concurrent-deploys.test.ts",
  "test/e2e/whole-loop.test.ts",
];

export default defineConfig({
  test: {
    include: COMPOSE_V2_SUITES,
    environment: "node",
    env: { RUNNER_COMPOSE: "v2" },
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: "forks",
    // As in the main pass: these suites mostly wait on Docker.
    maxWorkers: 3,
  },
});
