import { describe, expect, it } from "vitest";
import {
  composeServiceName,
  durationMs,
  formatConfigErrors,
  parseConfigText,
} from "../../src/config/parse.js";

const minimal = "services:\n  api:\n    path: services/api\n";

describe("parseConfigText", () => {
  const cases: { name: string; input: string; valid: boolean; errorPath?: string; errorContains?: string }[] =
    [
      { name: "minimal", input: minimal, valid: true },
      {
        name: "full design example",
        input: `services:
  api:
    path: services/api
    compose_service: api
    dockerfile: Dockerfile
    environment: production
    protected: true
    approvers: [alice, "@acme/sre"]
    health:
      url: http://127.0.0.1:8000/health
      timeout: 60s
auto_fix: true
deploy_on_merge: true
commands: { permission: write }
`,
        valid: true,
      },
      { name: "empty file", input: "", valid: false, errorPath: "(root)", errorContains: "empty" },
      {
        name: "bad yaml",
        input: "services: [",
        valid: false,
        errorPath: "(root)",
        errorContains: "invalid YAML",
      },
      {
        name: "no services",
        input: "services: {}\n",
        valid: false,
        errorPath: "services",
        errorContains: "at least one",
      },
      {
        name: "unknown top-level key",
        input: `${minimal}autofix: true\n`,
        valid: false,
        errorPath: "(root)",
        errorContains: "autofix",
      },
      {
        name: "path escapes the repo",
        input: "services:\n  api:\n    path: ../etc\n",
        valid: false,
        errorPath: "services.api.path",
        errorContains: "..",
      },
      {
        name: "absolute path",
        input: "services:\n  api:\n    path: /srv/api\n",
        valid: false,
        errorPath: "services.api.path",
      },
      {
        name: "bad service name",
        input: "services:\n  'api; rm -rf /':\n    path: services/api\n",
        valid: false,
        errorPath: "services.api; rm -rf /",
        errorContains: "service names",
      },
      {
        name: "bad duration",
        input: `${minimal}    health: { url: "http://127.0.0.1/health", timeout: soon }\n`,
        valid: false,
        errorPath: "services.api.health.timeout",
        errorContains: "duration",
      },
      {
        name: "health url not http",
        input: `${minimal}    health: { url: "file:///etc/passwd" }\n`,
        valid: false,
        errorPath: "services.api.health.url",
      },
      {
        name: "bad permission",
        input: `${minimal}commands: { permission: owner }\n`,
        valid: false,
        errorPath: "commands.permission",
      },
      {
        name: "bad approver",
        input: `${minimal}    approvers: ["alice bob"]\n`,
        valid: false,
        errorPath: "services.api.approvers.0",
      },
      {
        name: "start-first with drain, pre-stop and single-writer volumes",
        input: `${minimal}    deploy: { strategy: start-first, drain: 2s, pre_stop: [touch, /drain], single_writer_volumes: [db] }\n`,
        valid: true,
      },
      {
        name: "unknown deploy strategy",
        input: `${minimal}    deploy: { strategy: blue-green }\n`,
        valid: false,
        errorPath: "services.api.deploy.strategy",
      },
      {
        name: "empty pre-stop command",
        input: `${minimal}    deploy: { strategy: start-first, pre_stop: [] }\n`,
        valid: false,
        errorPath: "services.api.deploy.pre_stop",
      },
      {
        name: "map with null entry",
        input: `${minimal}maps:\n  python: { mylib: null, foo: foo-dist }\n`,
        valid: true,
      },
    ];

  for (const c of cases) {
    it(`${c.valid ? "accepts" : "rejects"} ${c.name}`, () => {
      const result = parseConfigText(c.input);
      expect(result.ok).toBe(c.valid);
      if (!result.ok) {
        const match = result.errors.find((e) => e.path === c.errorPath);
        expect(match, JSON.stringify(result.errors)).toBeDefined();
        if (c.errorContains) expect(match!.message).toContain(c.errorContains);
      }
    });
  }

  it("fills defaults", () => {
    const result = parseConfigText(minimal);
    if (!result.ok) throw new Error("expected valid");
    expect(result.config.auto_fix).toBe(false);
    expect(result.config.commands.permission).toBe("write");
    expect(result.config.services.api!.dockerfile).toBe("Dockerfile");
    expect(result.config.services.api!.environment).toBe("production");
    expect(composeServiceName("api", result.config.services.api!)).toBe("api");
  });

  it("formats errors as a list naming each key path", () => {
    const result = parseConfigText("services:\n  api:\n    path: ../x\n    bogus: 1\n");
    if (result.ok) throw new Error("expected invalid");
    const text = formatConfigErrors(result.errors);
    expect(text).toContain("`services.api.path`");
    expect(text).toContain("unknown key(s): bogus");
  });
});

describe("durationMs", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    [5, 5_000],
  ] as const)("%s -> %d", (input, ms) => expect(durationMs(input)).toBe(ms));
  it("rejects nonsense", () => expect(() => durationMs("5h")).toThrow(/invalid duration: 5h/));
});
