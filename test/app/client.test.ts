import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appOctokitOptions, createAppPacers } from "../../src/app/client.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});

/** A stand-in for @octokit/request: remembers the defaults it was given. */
function request(defaults: Record<string, unknown> = {}) {
  return { given: defaults, defaults: (more: Record<string, unknown>) => request({ ...defaults, ...more }) };
}

describe("appOctokitOptions", () => {
  it("points App auth's own request at the GitHub Enterprise base URL and swaps the key for the skew-tolerant JWT", () => {
    const options = appOctokitOptions({
      baseUrl: "http://127.0.0.1:8080/api/v3",
      auth: { appId: 123, privateKey, request: request() },
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false },
    });
    const auth = options.auth as {
      request: ReturnType<typeof request>;
      createJwt: unknown;
      privateKey?: unknown;
    };
    expect(auth.request.given).toEqual({ baseUrl: "http://127.0.0.1:8080/api/v3" });
    expect(typeof auth.createJwt).toBe("function");
    expect(auth).not.toHaveProperty("privateKey");
  });

  it("replaces the throttle's write and notification groups with the given pacers", () => {
    const pacers = createAppPacers();
    const options = appOctokitOptions({ throttle: { id: "x" } }, pacers);
    expect(options.throttle).toEqual({ id: "x", write: pacers.write, notifications: pacers.notifications });
    const off = { throttle: { enabled: false } };
    expect(appOctokitOptions(off, pacers).throttle).toEqual({ enabled: false });
  });

  it("leaves token auth and api.github.com alone", () => {
    const options = { auth: { token: "t" } };
    expect(appOctokitOptions(options)).toEqual(options);
  });
});
