/**
 * Flavor detection against the real binaries: a machine with only Compose v1, only the v2 plugin,
 * both, or neither is a PATH holding links to the installed `docker` / `docker-compose` (the docker
 * CLI finds its plugins in its own folders, not on PATH, so a machine without `docker` has no v2).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { detectComposeFlavor, probeComposeFlavor } from "../../../runner/compose/detect.js";
import { describeDocker } from "../../helpers/docker.js";

function which(program: string): string {
  return execFileSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).trim();
}

describeDocker("Compose flavor detection on the real binaries", () => {
  let root: string;
  const machines: Record<"both" | "v1" | "v2" | "none", string> = { both: "", v1: "", v2: "", none: "" };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "orchsw-detect-"));
    const docker = which("docker");
    const standalone = which("docker-compose");
    for (const name of Object.keys(machines) as Array<keyof typeof machines>) {
      const bin = join(root, name);
      mkdirSync(bin);
      if (name === "both" || name === "v2") symlinkSync(docker, join(bin, "docker"));
      if (name === "both" || name === "v1") symlinkSync(standalone, join(bin, "docker-compose"));
      machines[name] = bin;
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const envFor = (bin: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOME: process.env.HOME,
    DOCKER_HOST: process.env.DOCKER_HOST,
    PATH: bin,
    ...extra,
  });

  it("the installed binaries are the two flavors: the plugin answers 2.x, docker-compose 1.x", () => {
    const plugin = execFileSync("docker", ["compose", "version", "--short"], { encoding: "utf8" });
    const standalone = execFileSync("docker-compose", ["version", "--short"], { encoding: "utf8" });
    expect(plugin.trim()).toMatch(/^v?2\./);
    expect(standalone.trim()).toMatch(/^1\./);
  });

  it("a machine with both picks v2; RUNNER_COMPOSE=v1 picks v1 there without probing", async () => {
    expect(await probeComposeFlavor(envFor(machines.both))).toBe("v2");
    expect(await detectComposeFlavor(envFor(machines.both, { RUNNER_COMPOSE: "v1" }))).toBe("v1");
  });

  it("only docker-compose: v1; only the docker CLI with its plugin: v2", async () => {
    expect(await probeComposeFlavor(envFor(machines.v1))).toBe("v1");
    expect(await probeComposeFlavor(envFor(machines.v2))).toBe("v2");
  });

  it("neither: a clear error naming both commands and the override", async () => {
    await expect(probeComposeFlavor(envFor(machines.none))).rejects.toThrow(
      /`docker compose version` and `docker-compose version` both failed.*RUNNER_COMPOSE/,
    );
  });

  it("a bad override is named", async () => {
    await expect(detectComposeFlavor({ RUNNER_COMPOSE: "v3" })).rejects.toThrow(
      "RUNNER_COMPOSE must be 'v1' or 'v2', got 'v3'",
    );
  });
});
