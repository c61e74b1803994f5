import { describe, expect, it } from "vitest";
import { pollIntervalFrom, readRunnerEnv, switchFrom } from "../../../runner/github/runner-env.js";

const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----";
const base = { APP_ID: "123", PRIVATE_KEY: KEY, RUNNER_REPO: "acme/stack" };

describe("readRunnerEnv", () => {
  it("reads a complete environment with defaults", () => {
    expect(readRunnerEnv(base)).toEqual({
      appId: 123,
      privateKey: KEY,
      owner: "acme",
      repo: "stack",
      baseUrl: "https://api.github.com",
      gitRemote: "https://github.com/acme/stack.git",
      environments: null,
      pollIntervalMs: 15_000,
      statusPort: null,
      dispatchRuntimeFailures: true,
    });
  });

  it("uses GHE_HOST / GHE_PROTOCOL, a key file, environments and an interval", () => {
    const env = readRunnerEnv(
      {
        APP_ID: "9",
        PRIVATE_KEY_PATH: "/keys/app.pem",
        RUNNER_REPO: "ops/site",
        GHE_HOST: "git.example.com:8443",
        GHE_PROTOCOL: "http",
        RUNNER_ENVIRONMENT: "production, staging,production",
        RUNNER_POLL_INTERVAL: "2m",
        RUNNER_STATUS_PORT: "9100",
        RUNNER_DISPATCH_RUNTIME_FAILURES: "off",
      },
      (path) => (path === "/keys/app.pem" ? KEY.replace(/\n/g, "\\n") : ""),
    );
    expect(env).toMatchObject({
      privateKey: KEY,
      baseUrl: "http://git.example.com:8443/api/v3",
      gitRemote: "http://git.example.com:8443/ops/site.git",
      environments: ["production", "staging"],
      pollIntervalMs: 120_000,
      statusPort: 9100,
      dispatchRuntimeFailures: false,
    });
  });

  const refusals: Array<[name: string, env: Record<string, string>, message: RegExp]> = [
    ["no APP_ID", { PRIVATE_KEY: KEY, RUNNER_REPO: "acme/stack" }, /^APP_ID is not set/],
    [
      "APP_ID not a number",
      { ...base, APP_ID: "my-app" },
      /APP_ID must be the App's numeric id, got 'my-app'/,
    ],
    [
      "no key at all",
      { APP_ID: "1", RUNNER_REPO: "acme/stack" },
      /neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set/,
    ],
    ["a key that is not PEM", { ...base, PRIVATE_KEY: "abc" }, /PRIVATE_KEY does not hold a PEM private key/],
    [
      "an unreadable key file",
      { APP_ID: "1", RUNNER_REPO: "a/b", PRIVATE_KEY_PATH: "/nope.pem" },
      /PRIVATE_KEY_PATH \/nope.pem cannot be read: ENOENT/,
    ],
    ["no RUNNER_REPO", { APP_ID: "1", PRIVATE_KEY: KEY }, /^RUNNER_REPO is not set/],
    [
      "RUNNER_REPO without owner",
      { ...base, RUNNER_REPO: "stack" },
      /RUNNER_REPO must look like owner\/name, got 'stack'/,
    ],
    [
      "bad protocol",
      { ...base, GHE_HOST: "x.example", GHE_PROTOCOL: "ftp" },
      /GHE_PROTOCOL must be http or https, got 'ftp'/,
    ],
    ["bad host", { ...base, GHE_HOST: "https://x.example" }, /GHE_HOST must be a host name/],
    [
      "bad port",
      { ...base, RUNNER_STATUS_PORT: "70000" },
      /RUNNER_STATUS_PORT must be a port number 1-65535, got '70000'/,
    ],
    [
      "a dispatch switch that is not on/off",
      { ...base, RUNNER_DISPATCH_RUNTIME_FAILURES: "sometimes" },
      /RUNNER_DISPATCH_RUNTIME_FAILURES must be one of 1, 0, true, false, yes, no, on, off; got 'sometimes'/,
    ],
  ];
  for (const [name, env, message] of refusals) {
    it(`refuses ${name}`, () => {
      expect(() =>
        readRunnerEnv(env, () => {
          throw new Error("ENOENT: no such file");
        }),
      ).toThrow(message);
    });
  }
});

describe("switchFrom", () => {
  const table: Array<[string | undefined, boolean, boolean | RegExp]> = [
    [undefined, true, true],
    ["  ", false, false],
    ["1", false, true],
    ["TRUE", false, true],
    ["yes", false, true],
    [" On ", false, true],
    ["0", true, false],
    ["false", true, false],
    ["No", true, false],
    ["off", true, false],
    ["2", true, /X must be one of .*; got '2'/],
    ["enabled", true, /got 'enabled'/],
  ];
  for (const [input, fallback, expected] of table) {
    it(`${JSON.stringify(input)} (default ${fallback}) -> ${String(expected)}`, () => {
      if (typeof expected === "boolean") expect(switchFrom("X", input, fallback)).toBe(expected);
      else expect(() => switchFrom("X", input, fallback)).toThrow(expected);
    });
  }
});

describe("pollIntervalFrom", () => {
  const table: Array<[string | undefined, number | RegExp]> = [
    [undefined, 15_000],
    ["", 15_000],
    ["30", 30_000],
    ["1500ms", 1500],
    ["10s", 10_000],
    ["1m", 60_000],
    ["500ms", /at least 1s, got '500ms'/],
    ["soon", /RUNNER_POLL_INTERVAL must be seconds or a duration like 15s, 2m; got 'soon'/],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${String(expected)}`, () => {
      if (typeof expected === "number") expect(pollIntervalFrom(input)).toBe(expected);
      else expect(() => pollIntervalFrom(input)).toThrow(expected);
    });
  }
});
