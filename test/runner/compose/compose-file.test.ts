import { describe, expect, it } from "vitest";
import { findComposeService } from "../../../runner/compose/compose-file.js";

const base = {
  path: "docker-compose.yml",
  text: "services:\n  api:\n    build: ./api\n  db:\n    image: postgres:16\n",
};

describe("findComposeService", () => {
  it("finds a built service and its image name", () => {
    expect(findComposeService([base], "api")).toEqual({ ok: true, info: { image: null, hasBuild: true } });
    const named = { path: "c.yml", text: "services:\n  api:\n    build: .\n    image: acme/api:2\n" };
    expect(findComposeService([named], "api")).toEqual({
      ok: true,
      info: { image: "acme/api:2", hasBuild: true },
    });
  });

  it("later files override earlier ones", () => {
    const override = { path: "prod.yml", text: "services:\n  api:\n    image: acme/api:prod\n" };
    expect(findComposeService([base, override], "api")).toEqual({
      ok: true,
      info: { image: "acme/api:prod", hasBuild: true },
    });
  });

  it("names the missing service and the declared ones", () => {
    expect(findComposeService([base], "web")).toEqual({
      ok: false,
      error: "compose service 'web' is not declared in docker-compose.yml (it declares: api, db)",
    });
  });

  it("refuses a service without a build section, and invalid YAML", () => {
    expect(findComposeService([base], "db")).toMatchObject({
      ok: false,
      error: expect.stringContaining("has no 'build:' section"),
    });
    expect(findComposeService([{ path: "bad.yml", text: "services: [\n" }], "api")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^bad\.yml is not valid YAML/),
    });
    expect(findComposeService([{ path: "s.yml", text: "services: 3\n" }], "api")).toEqual({
      ok: false,
      error: "s.yml: 'services' must be a mapping",
    });
  });
});
