/**
 * Where Compose v1 and v2 differ, on the real binaries and engine, and what the runner relies on in
 * each case: container and image naming, project name normalisation, `COMPOSE_FILE` lists, profiles,
 * `--wait` and `ps --format json`. One tiny stack (scratch + static busybox), both flavors.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  buildArgv,
  defaultImageName,
  resolveComposeFiles,
  resolveProjectName,
  upArgv,
  type ComposeFlavor,
} from "../../../runner/compose/argv.js";
import { findComposeService } from "../../../runner/compose/compose-file.js";
import { createDockerOps } from "../../../runner/docker/docker-ops.js";
import { describeDocker } from "../../helpers/docker.js";

const FLAVORS: ComposeFlavor[] = ["v1", "v2"];
const cli = (flavor: ComposeFlavor) => (flavor === "v2" ? ["docker", "compose"] : ["docker-compose"]);

const COMPOSE = `services:
  web:
    build: ./web
    stop_signal: SIGKILL
    labels:
      orchsw.layer: base
  tools:
    build: ./web
    stop_signal: SIGKILL
    profiles: ["debug"]
`;
const OVERRIDE = `services:
  web:
    labels:
      orchsw.layer: override
`;

describeDocker("Compose v1 and v2 differences on the real engine", () => {
  let root: string;
  // A folder name Compose must normalise (upper case, a dot): both flavors derive the same project.
  let folder: string;
  const docker = new Docker();
  const ops = createDockerOps();

  const compose = (flavor: ComposeFlavor, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [program, ...head] = cli(flavor);
    const base = { ...process.env };
    for (const name of ["COMPOSE_PROJECT_NAME", "COMPOSE_FILE", "COMPOSE_PROFILES"]) delete base[name];
    return spawnSync(program!, [...head, ...args], {
      cwd: folder,
      encoding: "utf8",
      env: { ...base, ...env },
    });
  };
  const runArgv = (argv: string[]) => {
    const [program, ...args] = argv;
    return spawnSync(program!, args, { cwd: folder, encoding: "utf8" });
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "orchsw-flavors-"));
    folder = join(root, `OrchSW.Flavors-${process.pid}`);
    mkdirSync(join(folder, "web"), { recursive: true });
    writeFileSync(join(folder, "docker-compose.yml"), COMPOSE);
    writeFileSync(join(folder, "override.yml"), OVERRIDE);
    copyFileSync("/usr/bin/busybox", join(folder, "web/busybox"));
    writeFileSync(
      join(folder, "web/Dockerfile"),
      `FROM scratch\nLABEL orchsw.fixture="flavors-${process.pid}"\nCOPY busybox /busybox\nCMD ["/busybox", "sleep", "3600"]\n`,
    );
  });

  afterAll(async () => {
    const project = resolveProjectName({}, folder);
    for (const flavor of FLAVORS)
      compose(flavor, ["-p", `${project}${flavor}`, "down", "--rmi", "all", "-t", "0"]);
    compose("v2", ["down", "--rmi", "all", "-t", "0"]);
    for (const image of await docker.listImages({
      filters: { label: [`orchsw.fixture=flavors-${process.pid}`] },
    }))
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => {});
    rmSync(root, { recursive: true, force: true });
  });

  it("project name: without -p both derive the runner's normalised name from the folder", async () => {
    const project = resolveProjectName({}, folder);
    expect(project).toBe(`orchswflavors-${process.pid}`);
    for (const flavor of FLAVORS) {
      const up = compose(flavor, ["up", "-d", "--build", "web"]);
      expect(up.status, up.stderr).toBe(0);
      const running = await ops.findServiceContainer(project, "web");
      expect(running?.running, flavor).toBe(true);
      const down = compose(flavor, ["down", "-t", "0"]);
      expect(down.status, down.stderr).toBe(0);
    }
  });

  it("naming: v1 names the container <project>_web_1 and the image <project>_web, v2 uses '-'; the runner finds both by labels", async () => {
    for (const flavor of FLAVORS) {
      const project = `${resolveProjectName({}, folder)}${flavor}`;
      const target = { flavor, project, files: [] };
      expect(runArgv(buildArgv(target, "web")).status).toBe(0);
      const up = runArgv(upArgv(target, "web", { build: false }));
      expect(up.status, up.stderr).toBe(0);
      const running = await ops.findServiceContainer(project, "web");
      expect(running?.name).toBe(flavor === "v1" ? `${project}_web_1` : `${project}-web-1`);
      const image = await ops.imageId(defaultImageName(flavor, project, "web"));
      expect(image, `image ${defaultImageName(flavor, project, "web")}`).toBe(running?.imageId);
    }
  });

  it("ps --format json: only v2 has it, and its container is the one the label lookup finds", async () => {
    const project = `${resolveProjectName({}, folder)}v2`;
    const ps = compose("v2", ["-p", project, "ps", "--format", "json", "web"]);
    expect(ps.status, ps.stderr).toBe(0);
    // One JSON object per line in current v2 releases; a JSON array in older ones.
    const text = ps.stdout.trim();
    const rows = (
      text.startsWith("[") ? JSON.parse(text) : text.split("\n").map((l) => JSON.parse(l))
    ) as Array<{
      ID: string;
      Name: string;
    }>;
    const running = await ops.findServiceContainer(project, "web");
    expect(rows.map((r) => r.Name)).toEqual([`${project}-web-1`]);
    expect(running?.id.startsWith(rows[0]!.ID)).toBe(true);
    // v1 has no --format: it prints its usage (exit 0), which is no JSON at all.
    const v1 = compose("v1", ["-p", `${resolveProjectName({}, folder)}v1`, "ps", "--format", "json"]);
    expect(v1.stdout + v1.stderr).toContain("Usage: ps [options]");
    expect(() => JSON.parse(v1.stdout)).toThrow();
  });

  it("--wait: only v2 accepts it, so the runner's up never passes it (it verifies by itself)", () => {
    expect(compose("v2", ["up", "--help"]).stdout).toContain("--wait");
    expect(compose("v1", ["up", "--help"]).stdout).not.toContain("--wait");
    for (const flavor of FLAVORS)
      expect(upArgv({ flavor, project: "p", files: [] }, "web", { build: true })).not.toContain("--wait");
  });

  it("COMPOSE_FILE lists: both merge the files in order, as the runner's -f list does", () => {
    const env = { COMPOSE_FILE: "docker-compose.yml:override.yml" };
    const files = resolveComposeFiles(env);
    expect(files).toEqual(["docker-compose.yml", "override.yml"]);
    for (const flavor of FLAVORS) {
      const viaEnv = compose(flavor, ["config"], env);
      const viaFlags = compose(flavor, [...files.flatMap((f) => ["-f", f]), "config"]);
      expect(viaEnv.status, viaEnv.stderr).toBe(0);
      expect(viaEnv.stdout, flavor).toMatch(/orchsw\.layer: override/);
      expect(viaFlags.stdout, flavor).toMatch(/orchsw\.layer: override/);
    }
  });

  it("profiles: v2's config leaves an inactive profile out (v1's lists it); both deploy it when the runner names it", async () => {
    // The runner reads the compose file as v1's config does: every declared service, whatever its profile.
    expect(findComposeService([{ path: "docker-compose.yml", text: COMPOSE }], "tools").ok).toBe(true);
    for (const flavor of FLAVORS) {
      const services = compose(flavor, ["config", "--services"]);
      if (flavor === "v2") expect(services.stdout.split("\n")).not.toContain("tools");
      else expect(services.stdout.split("\n")).toContain("tools");
      const enabled = compose(flavor, ["config", "--services"], { COMPOSE_PROFILES: "debug" });
      expect(enabled.stdout.split("\n"), flavor).toContain("tools");
      const project = `${resolveProjectName({}, folder)}${flavor}`;
      const target = { flavor, project, files: [] };
      const up = runArgv(upArgv(target, "tools", { build: true }));
      expect(up.status, `${flavor}: ${up.stderr}`).toBe(0);
      expect((await ops.findServiceContainer(project, "tools"))?.running, flavor).toBe(true);
    }
  });
});
