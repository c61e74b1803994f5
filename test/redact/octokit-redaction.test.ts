import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { redactRequests } from "../../src/redact/octokit-redaction.js";
import { encodedForms } from "../../src/redact/secret-forms.js";
import { createRedactor, MASK } from "../../src/redact/redactor.js";
import { TEST_OWNER, TEST_REPO, useGitHubHarness } from "../helpers/github.js";

const gh = useGitHubHarness();
const SECRET = "planted-secret-value-77aa";
const PAT = `ghp_${"m4".repeat(18)}`;
const R = `/repos/${TEST_OWNER}/${TEST_REPO}`;

function client() {
  const Octokit = ProbotOctokit.plugin(redactRequests(createRedactor().add(SECRET)));
  return new Octokit({ auth: "installation-token", retry: { enabled: false }, throttle: { enabled: false } });
}

describe("redactRequests", () => {
  it("redacts comment, check-run, status and dispatch bodies before they are sent", async () => {
    gh.github.post(`${R}/issues/5/comments`).reply(201, {});
    gh.github.post(`${R}/check-runs`).reply(201, {});
    gh.github.post(`${R}/deployments/9/statuses`).reply(201, {});
    gh.github.post(`${R}/dispatches`).reply(204);
    const octokit = client();
    await octokit.rest.issues.createComment({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      issue_number: 5,
      body: `log: ${SECRET} and ${PAT}`,
    });
    await octokit.rest.checks.create({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      name: "orchestrator / deploy web",
      head_sha: "a".repeat(40),
      output: {
        title: `t ${SECRET}`,
        summary: encodeURIComponent(SECRET),
        text: JSON.stringify({ s: SECRET }),
      },
    });
    await octokit.rest.repos.createDeploymentStatus({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      deployment_id: 9,
      state: "failure",
      description: Buffer.from(SECRET).toString("hex"),
    });
    await octokit.rest.repos.createDispatchEvent({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      event_type: "orchestrator.runtime_failure",
      client_payload: { service: "web", log: `crash ${Buffer.from(SECRET).toString("base64")}` },
    });
    expect(gh.requests).toHaveLength(4);
    const sent = gh.bodies();
    for (const form of [...encodedForms(SECRET), PAT]) expect(sent).not.toContain(form);
    expect(JSON.parse(gh.requests[0]!.body)).toEqual({ body: `log: ${MASK} and ${MASK}` });
    expect(JSON.parse(gh.requests[2]!.body)).toEqual({ state: "failure", description: MASK });
  });

  it("leaves the route and the parameters that hold no secret as they are", async () => {
    gh.github.post(`${R}/issues/6/comments`).reply(201, {});
    await client().rest.issues.createComment({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      issue_number: 6,
      body: "fine",
    });
    expect(gh.requests.map((r) => [r.path, JSON.parse(r.body)])).toEqual([
      [`${R}/issues/6/comments`, { body: "fine" }],
    ]);
  });
});
