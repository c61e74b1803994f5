import { defineConfig } from "vitest/config";
import { ISOLATED } from "./vitest.isolated.config.js";
import { SlowFirstSequencer } from "./vitest.sequencer.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Run alone afterwards by `npm test` (vitest.isolated.config.ts).
    exclude: ["**/node_modules/**", ...ISOLATED],
    environment: "node",
    // The main pass runs Compose v1 even where the v2 plugin is installed too; the Compose v2 pass
    // (vitest.compose-v2.config.ts) repeats the flavor-dependent suites on v2.
    env: { RUNNER_COMPOSE: "v1" },
    // Docker-backed suites build images and restart containers; give them room.
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Docker suites share one engine; files run in parallel but stacks use unique project names.
    pool: "forks",
    // Most Docker suites wait (on builds, health checks, watch windows) far more than they compute:
    // three files at once on two cores keeps the whole run well inside CI's budget.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
