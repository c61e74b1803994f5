import { describe, expect, it } from "vitest";
import { deploymentPayloadSchema } from "../../src/deploy/contract.js";
import { buildDeploymentRequest, describeIntent } from "../../src/deploy/deployment-request.js";
import { testConfig, TWO_SERVICES } from "./config.js";

const config = testConfig(TWO_SERVICES);
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("buildDeploymentRequest", () => {
  it("builds the contract's deployment: SHA ref, task, environment, payload, no auto-merge, configured contexts", () => {
    const request = buildDeploymentRequest(
      { service: "web", sha: SHA, reason: "merge", requestedBy: "alice", pr: 12 },
      config,
    );
    expect(request).toEqual({
      ref: SHA,
      task: "deploy:web",
      environment: "staging",
      payload: { service: "web", pr: 12, reason: "merge", requested_by: "alice" },
      auto_merge: false,
      required_contexts: ["ci/build"],
      description: "orchestrator: deploy web (merge of #12) by @alice",
    });
    expect(deploymentPayloadSchema.parse(request.payload)).toEqual(request.payload);
  });

  it("carries rollback_of for rollbacks", () => {
    const request = buildDeploymentRequest(
      { service: "api", sha: SHA, reason: "rollback", requestedBy: "bob", pr: null, rollbackOf: 77 },
      config,
    );
    expect(request.payload).toEqual({
      service: "api",
      pr: null,
      reason: "rollback",
      requested_by: "bob",
      rollback_of: 77,
    });
    expect(request.description).toBe("orchestrator: deploy api (rollback of deployment 77) by @bob");
  });

  it("refuses a branch name or short SHA and an unknown service, naming them", () => {
    expect(() =>
      buildDeploymentRequest(
        { service: "api", sha: "main", reason: "command", requestedBy: "a", pr: null },
        config,
      ),
    ).toThrow("deployments need a full commit SHA, got 'main'");
    expect(() =>
      buildDeploymentRequest(
        { service: "db", sha: SHA, reason: "command", requestedBy: "a", pr: null },
        config,
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
