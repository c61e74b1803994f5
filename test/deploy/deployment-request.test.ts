import { describe, expect, it } from "vitest";
import { deploymentPayloadSchema } from "../../contract/deployment.js";
import { buildDeploymentRequest, describeIntent } from "../../src/deploy/deployment-request.js";
import { deploymentSignedText, verify } from "../../src/deploy/signing.js";
import { signPayload, testSigningKey } from "../helpers/signing.js";
import { testConfig, TWO_SERVICES } from "../helpers/deploy-config.js";

const config = testConfig(TWO_SERVICES);
const SHA = "0123456789abcdef0123456789abcdef01234567";
const AT = new Date("2026-02-03T04:05:06.000Z");
const seal = { key: testSigningKey(), repo: "acme/stack", signedAt: AT };

describe("buildDeploymentRequest", () => {
  it("builds the contract's deployment: SHA ref, task, environment, payload, no auto-merge, configured contexts", () => {
    const request = buildDeploymentRequest(
      { service: "web", sha: SHA, reason: "merge", requestedBy: "alice", pr: 12 },
      config,
      seal,
    );
    expect(request).toEqual({
      ref: SHA,
      task: "deploy:web",
      environment: "staging",
      payload: signPayload(
        { service: "web", pr: 12, reason: "merge", requested_by: "alice" },
        { environment: "staging", sha: SHA, createdAt: AT.toISOString() },
      ),
      auto_merge: false,
      required_contexts: ["ci/build"],
      description: "orchestrator: deploy web (merge of #12) by @alice",
    });
    expect(deploymentPayloadSchema.parse(request.payload)).toEqual(request.payload);
    expect(request.payload.signed_at).toBe("2026-02-03T04:05:06.000Z");
  });

  it("signs the repository, environment, commit and every payload field", () => {
    const { payload } = buildDeploymentRequest(
      { service: "api", sha: SHA, reason: "command", requestedBy: "carol", pr: 3 },
      config,
      seal,
    );
    const { sig, ...fields } = payload;
    const facts = { ...fields, repo: "acme/stack", environment: "production", sha: SHA };
    expect(verify(testSigningKey(), deploymentSignedText(facts), sig)).toBe(true);
    for (const changed of [
      { ...facts, repo: "acme/other" },
      { ...facts, environment: "staging" },
      { ...facts, sha: "f".repeat(40) },
      { ...facts, service: "web" },
      { ...facts, pr: 4 },
      { ...facts, reason: "merge" },
      { ...facts, requested_by: "mallory" },
      { ...facts, signed_at: "2026-02-03T05:05:06.000Z" },
    ])
      expect(verify(testSigningKey(), deploymentSignedText(changed), sig)).toBe(false);
  });

  it("carries rollback_of for rollbacks", () => {
    const request = buildDeploymentRequest(
      { service: "api", sha: SHA, reason: "rollback", requestedBy: "bob", pr: null, rollbackOf: 77 },
      config,
      seal,
    );
    expect(request.payload).toEqual(
      signPayload(
        { service: "api", pr: null, reason: "rollback", requested_by: "bob", rollback_of: 77 },
        { environment: "production", sha: SHA, createdAt: AT.toISOString() },
      ),
    );
    expect(request.description).toBe("orchestrator: deploy api (rollback of deployment 77) by @bob");
  });

  it("refuses a branch name or short SHA and an unknown service, naming them", () => {
    expect(() =>
      buildDeploymentRequest(
        { service: "api", sha: "main", reason: "command", requestedBy: "a", pr: null },
        config,
        seal,
      ),
    ).toThrow("deployments need a full commit SHA, got 'main'");
    expect(() =>
      buildDeploymentRequest(
        { service: "db", sha: SHA, reason: "command", requestedBy: "a", pr: null },
        config,
        seal,
      ),
    ).toThrow("service 'db' is not configured");
  });

  it("keeps descriptions within GitHub's 140 characters", () => {
    expect(
      describeIntent({ service: "api", sha: SHA, reason: "retry", requestedBy: "x".repeat(200), pr: 1 })
        .length,
    ).toBe(140);
  });
});
