import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/parse.js";
import { allServices, requireService, resolveService, serviceFolder } from "../../src/config/service.js";

function config() {
  const parsed = parseConfigText(
    [
      "services:",
      "  api:",
      "    path: ./services/api/",
      "    compose_service: backend",
      "    health: { url: http://127.0.0.1:8080/health, timeout: 30s }",
      "  web:",
      "    path: .",
    ].join("\n"),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

describe("a service resolved once", () => {
  it("applies every default in one place", () => {
    expect(resolveService(config(), "api")).toMatchObject({
      name: "api",
      composeService: "backend",
      folder: "services/api",
      health: { url: "http://127.0.0.1:8080/health", timeoutMs: 30_000, watchMs: 10_000 },
    });
    expect(resolveService(config(), "web")).toMatchObject({
      composeService: "web",
      folder: "",
      health: { url: null, timeoutMs: 60_000, watchMs: 10_000 },
    });
    expect(allServices(config()).map((s) => s.name)).toEqual(["api", "web"]);
  });

  it("knows only configured services, not an object's own properties", () => {
    expect(resolveService(config(), "db")).toBeNull();
    expect(resolveService(config(), "constructor")).toBeNull();
    expect(() => requireService(config(), "db")).toThrow("service 'db' is not configured");
  });

  it("normalises folders one way", () => {
    expect(["./a/b/", "a/b", "a/b//", ".", "./"].map(serviceFolder)).toEqual(["a/b", "a/b", "a/b", "", ""]);
  });
});
