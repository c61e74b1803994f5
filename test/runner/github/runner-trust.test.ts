import { describe, expect, it } from "vitest";
import { createRunnerTrust } from "../../../runner/github/runner-trust.js";
import { GITHUB_API, TEST_APP_ID, testPrivateKey, useGitHubHarness } from "../../helpers/github.js";
import { mockAppIdentity, TEST_IDENTITY, testSigningKey } from "../../helpers/signing.js";
import { testRunnerTrust } from "./fixtures.js";

const gh = useGitHubHarness();

describe("the runner's trust", () => {
  it("asks GET /app once, with the App's JWT, and derives the app's key from the private key", async () => {
    mockAppIdentity(gh, { optional: false });
    const trust = testRunnerTrust();
    await expect(trust.identity()).resolves.toEqual(TEST_IDENTITY);
    await expect(trust.identity()).resolves.toEqual(TEST_IDENTITY);
    expect(gh.sent("GET", "/app")).toHaveLength(1);
    expect(trust.key.hmac("x")).toBe(testSigningKey().hmac("x"));
  });

  it("uses ORCHESTRATOR_SIGNING_KEY when given, and refuses a short one by name", () => {
    const base = { appId: TEST_APP_ID, privateKey: testPrivateKey(), baseUrl: GITHUB_API };
    expect(createRunnerTrust({ ...base, signingSecret: "z".repeat(40) }).key.source).toBe(
      "ORCHESTRATOR_SIGNING_KEY",
    );
    expect(() => createRunnerTrust({ ...base, signingSecret: "short" })).toThrow(
      /^ORCHESTRATOR_SIGNING_KEY is too short/,
    );
  });
});
