import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));

/** Runs the probe suite in a child vitest with Docker pointed at a socket that does not exist. */
function runProbe(requireDocker: boolean) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DOCKER_HOST: "unix:///nonexistent/orchestrator-test.sock",
    NO_COLOR: "1",
  };
  if (requireDocker) env.REQUIRE_DOCKER = "1";
  else delete env.REQUIRE_DOCKER;
  const result = spawnSync(
    process.execPath,
    [vitest, "run", "--config", "test/fixtures/require-docker/vitest.config.ts"],
    { cwd: root, env, encoding: "utf8", timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("describeDocker without a Docker engine", () => {
  it("fails the suite when REQUIRE_DOCKER=1", () => {
    const { status, output } = runProbe(true);
    expect(status).not.toBe(0);
    expect(output).toContain("REQUIRE_DOCKER=1 but Docker is not usable");
    expect(output).toContain("Docker daemon unreachable at unix:///nonexistent/orchestrator-test.sock");
  });

  it("skips it with the reason logged otherwise", () => {
    const { status, output } = runProbe(false);
    expect(status).toBe(0);
    expect(output).toContain("[skip] a suite that needs Docker: Docker daemon unreachable");
    expect(output).toMatch(/1 skipped/);
  });
});
