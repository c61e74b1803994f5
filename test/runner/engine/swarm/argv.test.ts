import { describe, expect, it } from "vitest";
import {
  buildImageArgv,
  deployImageRef,
  imageRepository,
  serviceRollbackArgv,
  serviceScaleToZeroArgv,
  serviceUpdateArgv,
  stackDeployArgv,
  swarmServiceName,
  swarmUpdateOrder,
} from "../../../../runner/engine/swarm/argv.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("swarm image references", () => {
  it("the repository drops tag and digest, but keeps a registry port", () => {
    expect(imageRepository("shop-web")).toBe("shop-web");
    expect(imageRepository("shop-web:1.2")).toBe("shop-web");
    expect(imageRepository("127.0.0.1:16120/team/web:abc@sha256:00")).toBe("127.0.0.1:16120/team/web");
    expect(imageRepository("127.0.0.1:16120/web")).toBe("127.0.0.1:16120/web");
  });

  it("a deploy is tagged <image>:<sha12>, under the registry when one is set and not named yet", () => {
    expect(deployImageRef("shop-web:latest", SHA)).toBe("shop-web:0123456789ab");
    expect(deployImageRef("shop-web", SHA, "127.0.0.1:16120")).toBe("127.0.0.1:16120/shop-web:0123456789ab");
    expect(deployImageRef("reg.example:5000/shop-web", SHA, "reg.example:5000/")).toBe(
      "reg.example:5000/shop-web:0123456789ab",
    );
  });

  it("refuses a SHA that is not one", () => {
    expect(() => deployImageRef("web", "main")).toThrow("deploy SHA must be 12-40 hex digits, got 'main'");
  });

  it("the stack's service is <stack>_<service>", () => {
    expect(swarmServiceName("shop", "web")).toBe("shop_web");
  });
});

describe("swarm argv builders", () => {
  it("build tags the image from the stack file's build context and Dockerfile", () => {
    expect(buildImageArgv({ context: "./web", dockerfile: "./web/Dockerfile.prod" }, "w:1")).toEqual([
      "docker",
      "build",
      "-t",
      "w:1",
      "-f",
      "./web/Dockerfile.prod",
      "./web",
    ]);
    expect(buildImageArgv({ context: "." }, "w:1")).toEqual(["docker", "build", "-t", "w:1", "."]);
  });

  it("service update is detached, passes registry auth, and skips the registry lookup for a local image", () => {
    expect(serviceUpdateArgv("shop_web", "w:1", { registry: false })).toEqual([
      "docker",
      "service",
      "update",
      "--detach",
      "--with-registry-auth",
      "--no-resolve-image",
      "--image",
      "w:1",
      "shop_web",
    ]);
    expect(serviceUpdateArgv("shop_web", "r/w:1@sha256:00", { registry: true })).not.toContain(
      "--no-resolve-image",
    );
  });

  it("rollback, scale to zero and stack deploy", () => {
    expect(serviceRollbackArgv("s")).toEqual(["docker", "service", "rollback", "--detach", "s"]);
    expect(serviceScaleToZeroArgv("s")).toEqual(["docker", "service", "scale", "--detach", "s=0"]);
    expect(stackDeployArgv("shop", "/w/.stack.yml")).toEqual([
      "docker",
      "stack",
      "deploy",
      "--with-registry-auth",
      "--resolve-image",
      "never",
      "-c",
      "/w/.stack.yml",
      "shop",
    ]);
  });
});

describe("update order from deploy.strategy", () => {
  it("start-first -> start-first, recreate -> stop-first, unset -> the stack file's (null)", () => {
    expect(swarmUpdateOrder("start-first")).toBe("start-first");
    expect(swarmUpdateOrder("recreate")).toBe("stop-first");
    expect(swarmUpdateOrder(undefined)).toBeNull();
  });

  it("service update sets --update-order only when an order is given", () => {
    expect(serviceUpdateArgv("shop_web", "w:1", { registry: false, order: "start-first" })).toEqual([
      "docker",
      "service",
      "update",
      "--detach",
      "--with-registry-auth",
      "--no-resolve-image",
      "--update-order",
      "start-first",
      "--image",
      "w:1",
      "shop_web",
    ]);
    expect(serviceUpdateArgv("shop_web", "w:1", { registry: false, order: null })).not.toContain(
      "--update-order",
    );
  });
});
