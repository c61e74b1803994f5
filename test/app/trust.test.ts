import { describe, expect, it } from "vitest";
import { signingKeyFromEnv } from "../../src/app/trust.js";
import { deploymentSignedText, sign, verify } from "../../src/deploy/signing.js";
import { testPrivateKey } from "../helpers/github.js";
import { testSigningKey } from "../helpers/signing.js";

describe("the app's signing key from its environment", () => {
  const text = deploymentSignedText({
    repo: "acme/stack",
    environment: "production",
    sha: "a".repeat(40),
    service: "api",
    pr: null,
    reason: "command",
    requested_by: "alice",
    signed_at: "2026-01-01T00:00:00.000Z",
  });

  it("comes from PRIVATE_KEY or the file at PRIVATE_KEY_PATH, the same key the runner derives", () => {
    const fromEnv = signingKeyFromEnv({ PRIVATE_KEY: testPrivateKey() });
    const fromFile = signingKeyFromEnv({ PRIVATE_KEY_PATH: "/keys/app.pem" }, (path) => {
      expect(path).toBe("/keys/app.pem");
      return testPrivateKey();
    });
    const sig = sign(testSigningKey(), text);
    expect(fromEnv.key && verify(fromEnv.key, text, sig)).toBe(true);
    expect(fromFile.key && verify(fromFile.key, text, sig)).toBe(true);
  });

  it("prefers ORCHESTRATOR_SIGNING_KEY, and without any key says what to set instead of throwing", () => {
    const configured = signingKeyFromEnv({
      ORCHESTRATOR_SIGNING_KEY: "x".repeat(32),
      PRIVATE_KEY: testPrivateKey(),
    });
    expect(configured.key?.source).toBe("ORCHESTRATOR_SIGNING_KEY");
    expect(signingKeyFromEnv({})).toEqual({
      key: null,
      keyProblem:
        "no signing key: set ORCHESTRATOR_SIGNING_KEY, or PRIVATE_KEY / PRIVATE_KEY_PATH (the App's private key)",
    });
    expect(
      signingKeyFromEnv({ PRIVATE_KEY_PATH: "/missing.pem" }, () => {
        throw new Error("ENOENT");
      }).keyProblem,
    ).toBe("PRIVATE_KEY_PATH /missing.pem cannot be read (ENOENT)");
  });
});
