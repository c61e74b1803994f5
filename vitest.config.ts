import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Docker-backed suites build images and restart containers; give them room.
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Docker suites share one engine; files run in parallel but stacks use unique project names.
    pool: "forks",
  },
});
