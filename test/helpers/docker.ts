import { spawnSync } from "node:child_process";
import Docker from "dockerode";
import { describe, it } from "vitest";

export interface DockerStatus {
  available: boolean;
  /** Why Docker-backed suites cannot run (empty when they can). */
  reason: string;
}

async function probe(): Promise<DockerStatus> {
  try {
    await new Docker().ping();
  } catch (error) {
    const where = process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
    return { available: false, reason: `Docker daemon unreachable at ${where}: ${(error as Error).message}` };
  }
  const v2 = spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0;
  const v1 = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
  if (!v1 && !v2)
    return { available: false, reason: "neither `docker compose` nor `docker-compose` is installed" };
  return { available: true, reason: "" };
}

let cached: Promise<DockerStatus> | null = null;

/** Whether a Docker engine and a Compose CLI are usable here (probed once per test file). */
export function dockerStatus(): Promise<DockerStatus> {
  cached ??= probe();
  return cached;
}

export async function dockerAvailable(): Promise<boolean> {
  return (await dockerStatus()).available;
}

const status = await dockerStatus();

/**
 * `describe` for suites that need the real engine. Without Docker the suite is skipped with the reason
 * logged, unless `REQUIRE_DOCKER=1`, in which case it fails (CI that must run them cannot pass silently).
 */
export function describeDocker(name: string, body: () => void): void {
  if (status.available) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_DOCKER === "1") {
    describe(name, () => {
      it("needs Docker (REQUIRE_DOCKER=1)", () => {
        throw new Error(`REQUIRE_DOCKER=1 but Docker is not usable: ${status.reason}`);
      });
    });
    return;
  }
  console.warn(`[skip] ${name}: ${status.reason} (set REQUIRE_DOCKER=1 to make this a failure)`);
  describe.skip(name, body);
}
