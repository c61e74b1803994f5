import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  findStackService,
  renderStackFile,
  stackServiceNames,
  stackUpdateOrder,
} from "../../../../runner/engine/swarm/stack-file.js";

const BASE = {
  path: "docker-compose.yml",
  text: `version: "3.8"
services:
  web:
    image: shop-web
    build: ./web
    deploy:
      replicas: 2
  db:
    image: postgres:16
`,
};
const OVERRIDE = {
  path: "prod.yml",
  text: `services:
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
`,
};

describe("stack file", () => {
  it("finds the service's image and build, later files overriding", () => {
    expect(findStackService([BASE], "web")).toEqual({
      ok: true,
      service: { image: "shop-web", build: { context: "./web" } },
    });
    expect(findStackService([BASE, OVERRIDE], "web")).toEqual({
      ok: true,
      service: { image: "shop-web", build: { context: "./web", dockerfile: "./web/Dockerfile.prod" } },
    });
  });

  it("refuses a service without image, without build, or not declared, naming the file", () => {
    expect(findStackService([BASE], "api")).toEqual({
      ok: false,
      error: "stack service 'api' is not declared in docker-compose.yml",
    });
    expect(findStackService([BASE], "db")).toMatchObject({
      ok: false,
      error: expect.stringContaining("no 'build:'"),
    });
    const noImage = { path: "c.yml", text: "services:\n  web:\n    build: .\n" };
    expect(findStackService([noImage], "web")).toMatchObject({
      ok: false,
      error: expect.stringContaining("stack service 'web' in c.yml has no 'image:'"),
    });
    expect(findStackService([{ path: "bad.yml", text: "services: [" }], "web")).toMatchObject({
      ok: false,
      error: expect.stringContaining("bad.yml is not valid YAML"),
    });
  });

  it("renders one file: merged, images pinned, build dropped, the rest kept", () => {
    const out = parse(
      renderStackFile([BASE, OVERRIDE], { web: "shop-web:0123456789ab", db: "postgres:16@sha256:00" }),
    );
    expect(out.version).toBe("3.8");
    expect(out.services.web).toEqual({ image: "shop-web:0123456789ab", deploy: { replicas: 2 } });
    expect(out.services.db).toEqual({ image: "postgres:16@sha256:00" });
    expect(stackServiceNames([BASE, OVERRIDE])).toEqual(["web", "db"]);
  });

  it("reads the service's update_config.order, and pins one into the rendered file when asked", () => {
    const ordered = {
      path: "o.yml",
      text: "services:\n  web:\n    deploy:\n      replicas: 2\n      update_config:\n        order: stop-first\n        monitor: 1s\n",
    };
    expect(stackUpdateOrder([BASE], "web")).toBeNull();
    expect(stackUpdateOrder([BASE, ordered], "web")).toBe("stop-first");
    const doc = parse(
      renderStackFile(
        [BASE, ordered],
        { web: "shop-web:0123456789ab" },
        { service: "web", order: "start-first" },
      ),
    ) as { services: Record<string, { deploy?: Record<string, unknown> }> };
    expect(doc.services.web!.deploy).toEqual({
      replicas: 2,
      update_config: { order: "start-first", monitor: "1s" },
    });
    expect(doc.services.db!.deploy).toBeUndefined();
  });
});
