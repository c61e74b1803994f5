import { describe, expect, it } from "vitest";
import { npmrcRegistry, pipIndexUrl, registrySettings } from "../../src/patch/registry-settings.js";

describe("pipIndexUrl", () => {
  it("reads index-url / index_url with '=' or ':' and ignores comments and other keys", () => {
    expect(pipIndexUrl("# x\n[global]\ntimeout = 60\nindex_url: https://a.example/simple\n")).toBe(
      "https://a.example/simple",
    );
    expect(pipIndexUrl("[global]\nextra-index-url = https://b.example/simple\n")).toBeNull();
    expect(pipIndexUrl("[freeze]\nindex-url = https://c.example/simple\n")).toBeNull();
  });
});

describe("npmrcRegistry", () => {
  it("takes the last unscoped registry= line, unquoted, with ${VAR} expanded", () => {
    const text =
      'registry=https://one.example/\n@acme:registry=https://scoped.example/\nregistry="${HOST}/npm/"\n';
    expect(npmrcRegistry(text, { HOST: "https://two.example" })).toBe("https://two.example/npm/");
    expect(npmrcRegistry("//host/:_authToken=abc\n", {})).toBeNull();
  });
});

describe("registrySettings", () => {
  it("reads files through the injected reader, in pip's and npm's order", () => {
    const files: Record<string, string> = {
      "/h/.pip/pip.conf": "[global]\nindex-url=https://legacy.example/simple\n",
      "/repo/.npmrc": "registry=https://repo.example/\n",
    };
    const settings = registrySettings({
      env: {},
      home: "/h",
      projectNpmrc: ["/repo/web/.npmrc", "/repo/.npmrc"],
      globalPipFiles: [],
      read: (path) => files[path] ?? null,
    });
    expect(settings).toEqual({
      endpoints: { pypi: "https://legacy.example", npm: "https://repo.example" },
      from: { pypi: "/h/.pip/pip.conf", npm: "/repo/.npmrc" },
    });
  });
});
