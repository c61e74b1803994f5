import { describe, expect, it } from "vitest";
import {
  buildArgv,
  defaultImageName,
  normalizeProjectName,
  pluginProbeArgv,
  resolveComposeFiles,
  resolveProjectName,
  stopArgv,
  upArgv,
  type ComposeTarget,
} from "../../../runner/compose/argv.js";

const v1: ComposeTarget = {
  flavor: "v1",
  project: "shop",
  files: ["docker-compose.yml", "docker-compose.prod.yml"],
};
const v2: ComposeTarget = { ...v1, flavor: "v2" };

describe("compose argv builders", () => {
  it("probes the v2 plugin with `docker compose version`", () => {
    expect(pluginProbeArgv()).toEqual(["docker", "compose", "version"]);
  });

  it.each([
    [
      v1,
      [
        "docker-compose",
        "-p",
        "shop",
        "-f",
        "docker-compose.yml",
        "-f",
        "docker-compose.prod.yml",
        "build",
        "api",
      ],
    ],
    [
      v2,
      [
        "docker",
        "compose",
        "-p",
        "shop",
        "-f",
        "docker-compose.yml",
        "-f",
        "docker-compose.prod.yml",
        "build",
        "api",
      ],
    ],
  ])("build for %j", (target, argv) => {
    expect(buildArgv(target, "api")).toEqual(argv);
  });

  it("up -d --no-deps, with and without --no-build, for v1 and v2", () => {
    expect(upArgv(v1, "api", { build: true })).toEqual([
      "docker-compose",
      "-p",
      "shop",
      "-f",
      "docker-compose.yml",
      "-f",
      "docker-compose.prod.yml",
      "up",
      "-d",
      "--no-deps",
      "api",
    ]);
    expect(upArgv(v1, "api", { build: false })).toEqual([
      "docker-compose",
      "-p",
      "shop",
      "-f",
      "docker-compose.yml",
      "-f",
      "docker-compose.prod.yml",
      "up",
      "-d",
      "--no-deps",
      "--no-build",
      "api",
    ]);
    expect(upArgv({ flavor: "v2", project: "p", files: [] }, "api", { build: false })).toEqual([
      "docker",
      "compose",
      "-p",
      "p",
      "up",
      "-d",
      "--no-deps",
      "--no-build",
      "api",
    ]);
  });

  it("up --timeout N when the replaced container's stop grace is overridden (0 = kill at once)", () => {
    const target: ComposeTarget = { flavor: "v1", project: "p", files: [] };
    expect(upArgv(target, "api", { build: false, stopTimeoutS: 0 })).toEqual([
      "docker-compose",
      "-p",
      "p",
      "up",
      "-d",
      "--no-deps",
      "--no-build",
      "--timeout",
      "0",
      "api",
    ]);
    expect(upArgv({ ...target, flavor: "v2" }, "api", { build: true, stopTimeoutS: 5 })).toEqual([
      "docker",
      "compose",
      "-p",
      "p",
      "up",
      "-d",
      "--no-deps",
      "--timeout",
      "5",
      "api",
    ]);
    expect(() => upArgv(target, "api", { build: false, stopTimeoutS: -1 })).toThrow(
      "compose up stop timeout must be a whole number of seconds >= 0, got -1",
    );
  });

  it("project name: COMPOSE_PROJECT_NAME wins, else the workspace folder, normalised like Compose", () => {
    expect(resolveProjectName({ COMPOSE_PROJECT_NAME: "My.Shop" }, "/srv/x")).toBe("myshop");
    expect(resolveProjectName({}, "/srv/Web_Stack/")).toBe("web_stack");
    expect(resolveProjectName({ COMPOSE_PROJECT_NAME: "  " }, "/srv/a-b")).toBe("a-b");
    expect(() => normalizeProjectName("...")).toThrow("compose project name '...' has no usable characters");
  });

  it("compose files: explicit ones, else COMPOSE_FILE split on the path separator", () => {
    expect(resolveComposeFiles({ COMPOSE_FILE: "a.yml:b.yml" })).toEqual(["a.yml", "b.yml"]);
    expect(resolveComposeFiles({ COMPOSE_FILE: "a.yml;b.yml", COMPOSE_PATH_SEPARATOR: ";" })).toEqual([
      "a.yml",
      "b.yml",
    ]);
    expect(resolveComposeFiles({ COMPOSE_FILE: "a.yml" }, ["x.yml"])).toEqual(["x.yml"]);
    expect(resolveComposeFiles({})).toEqual([]);
  });

  it("default image names differ between v1 and v2", () => {
    expect(defaultImageName("v1", "shop", "api")).toBe("shop_api");
    expect(defaultImageName("v2", "shop", "api")).toBe("shop-api");
  });
});

describe("stopArgv", () => {
  it("stops (does not remove) the one service, with the project and files", () => {
    expect(stopArgv(v1, "api")).toEqual([
      "docker-compose",
      "-p",
      "shop",
      "-f",
      "docker-compose.yml",
      "-f",
      "docker-compose.prod.yml",
      "stop",
      "api",
    ]);
    expect(stopArgv({ flavor: "v2", project: "p", files: [] }, "api")).toEqual([
      "docker",
      "compose",
      "-p",
      "p",
      "stop",
      "api",
    ]);
  });
});
