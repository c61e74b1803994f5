import { defineConfig } from "vitest/config";
import { ISOLATED } from "./vitest.isolated.config.js";

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
  },
});
