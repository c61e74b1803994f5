import { describe, expect, it } from "vitest";
import { preStopArgv, scaleUpArgv } from "../../../runner/strategy/argv.js";

describe("scaleUpArgv", () => {
  it("creates the new containers without starting, recreating, building or touching dependencies", () => {
    expect(scaleUpArgv({ flavor: "v1", project: "shop", files: ["a.yml", "b.yml"] }, "web", 2)).toEqual([
      "docker-compose",
      "-p",
      "shop",
      "-f",
      "a.yml",
      "-f",
      "b.yml",
      "up",
      "--no-start",
      "--no-deps",
      "--no-recreate",
      "--no-build",
      "--scale",
      "web=2",
      "web",
    ]);
    expect(scaleUpArgv({ flavor: "v2", project: "shop", files: [] }, "web", 3).slice(0, 4)).toEqual([
      "docker",
      "compose",
      "-p",
      "shop",
    ]);
  });
  it("rejects a scale below 1", () => {
    expect(() => scaleUpArgv({ flavor: "v1", project: "p", files: [] }, "web", 0)).toThrow(
      "scale must be a whole number >= 1, got 0",
    );
  });
});

describe("preStopArgv", () => {
  it("execs the hook in the container, and needs a command", () => {
    expect(preStopArgv("abc", ["/bin/sh", "-c", "touch /drain"])).toEqual([
      "docker",
      "exec",
      "abc",
      "/bin/sh",
      "-c",
      "touch /drain",
    ]);
    expect(() => preStopArgv("abc", [])).toThrow("pre_stop needs a command");
  });
});
