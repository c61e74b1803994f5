import { beforeEach, describe, expect, it } from "vitest";
import { findDeployCommentMarker } from "../../contract/markers.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig } from "../helpers/fix-world.js";
import {
  DEPLOY_CONFIG,
  fixPrBody,
  mockCommitTree,
  mockCreateDeployment,
  mockDeployments,
  mockPullFiles,
  mockReviews,
} from "../helpers/deploy-world.js";

const MERGE = sha("e");
const HEAD = sha("h");
const MERGE_TREE = sha("t");
const REQ_PATCH = "@@ -1 +1,2 @@\n flask==3.0.0\n+PyYAML==6.0.2";

function merged(
  options: { number?: number; body?: string | null; labels?: string[]; merged?: boolean } = {},
): WebhookPayload<"pull_request"> {
  const payload = adaptPayload(
    webhookExample("pull_request", (p) => p.action === "closed"),
    { sender: { login: "carol" } },
  );
  const pr = payload.pull_request as unknown as Record<string, unknown> & {
    head: { sha: string; ref: string };
  };
  pr.number = options.number ?? 12;
  pr.merged = options.merged ?? true;
  pr.merge_commit_sha = MERGE;
  pr.body = options.body === undefined ? fixPrBody("api") : options.body;
  pr.labels = (options.labels ?? ["orchestrator"]).map((name, i) => ({ id: i, name }));
  pr.head.sha = HEAD;
  pr.head.ref = "orchestrator/api/0123456789";
  pr.html_url = `https://github.com/acme/stack/pull/${pr.number}`;
  (payload as { number: number }).number = pr.number as number;
  return payload;
}

/** Files and modes of an allowed fix of `api`. */
function mockAllowedFix(gh: ReturnType<typeof useGitHubHarness>, pr = 12): void {
  mockPullFiles(gh, pr, [{ filename: "services/api/requirements.txt", patch: REQ_PATCH }]);
  mockCommitTree(gh, MERGE, MERGE_TREE, {
    "services/api/requirements.txt": { sha: sha("1") },
    "docker-compose.yml": { sha: sha("2") },
  });
}

describe("pull_request.closed: merge -> deployment", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("deploys an approved orchestrator PR: merge SHA, task, environment, payload, contexts, one queued comment", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockAllowedFix(gh);
    mockReviews(gh, 12, [
      { login: "mallory", state: "APPROVED", commit: HEAD },
      { login: "alice", state: "APPROVED", commit: HEAD },
    ]);
    mockDeployments(gh, {
      service: "api",
      environment: "production",
      perPage: 20,
      sha: MERGE,
      deployments: [],
      statuses: false,
    });
    const created = mockCreateDeployment(gh, { id: 9001, sha: MERGE });
    const comment = mockAnswer(gh, 12);

    await gh.receive("pull_request", merged());

    expect(created()).toEqual({
      ref: MERGE,
      task: "deploy:api",
      environment: "production",
      // The getter has checked the signature (deploy-world.ts: mockCreateDeployment).
      payload: {
        service: "api",
        pr: 12,
        reason: "merge",
        requested_by: "carol",
        signed_at: expect.any(String),
        sig: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      auto_merge: false,
      required_contexts: ["ci/build"],
      description: "orchestrator: deploy api (merge of #12) by @carol",
    });
    expect(findDeployCommentMarker(comment())).toBe(9001);
    expect(comment()).toContain(
      "**Deploy queued**: `api` at `eeeeeee` to `production` (deployment 9001, merge of #12, requested by @carol).",
    );
    expect(gh.sent("POST", /\/comments$/)).toHaveLength(1);
  });

  it("refuses a protected service whose merged head was not approved by an allowed approver; creates nothing", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockAllowedFix(gh);
    // Approved, but on an older commit and by someone not in `approvers`.
    mockReviews(gh, 12, [
      { login: "alice", state: "APPROVED", commit: sha("o") },
      { login: "mallory", state: "APPROVED", commit: HEAD },
    ]);
    const comment = mockAnswer(gh, 12);

    await gh.receive("pull_request", merged());

    expect(comment()).toBe(
      "**Not deployed**: `api` at `eeeeeee`: `api` is protected and the merged head hhhhhhh was not approved: approved on hhhhhhh by @mallory, who is not an allowed approver. No deployment was created.",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });

  it("refuses a merged diff outside the fix policy, listing each refusal, before looking at approvals", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockPullFiles(gh, 12, [
      { filename: "services/api/requirements.txt", patch: REQ_PATCH },
      { filename: "docker-compose.yml", patch: "@@ -1 +1 @@\n-a\n+b" },
    ]);
    mockCommitTree(gh, MERGE, MERGE_TREE, {
      "services/api/requirements.txt": { sha: sha("1") },
      "docker-compose.yml": { sha: sha("2") },
    });
    const comment = mockAnswer(gh, 12);

    await gh.receive("pull_request", merged());

    const lines = comment().split("\n");
    expect(lines[0]).toBe(
      "**Not deployed**: `api` at `eeeeeee`: the merged changes are outside the fix policy. No deployment was created.",
    );
    expect(lines).toContain(
      "- docker-compose.yml: compose files are never changed by a fix (matches 'docker-compose*.{yml,yaml}')",
    );
    expect(gh.sent("GET", /\/reviews/)).toEqual([]);
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });

  it("ignores someone else's PR when deploy_on_merge is off, without a single comment", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);

    await gh.receive("pull_request", merged({ body: "A feature.", labels: ["feature"] }));

    expect(gh.sent("POST", /.*/).map((r) => r.path)).toEqual(["/app/installations/4242/access_tokens"]);
    expect(gh.logs.find((l) => l.msg === "not deploying this merge")).toMatchObject({
      why: "not an orchestrator PR, and deploy_on_merge is off",
    });
  });

  it("with deploy_on_merge, deploys someone else's PR inside one unprotected service without the fix policy", async () => {
    gh.mintToken();
    mockConfig(gh, `${DEPLOY_CONFIG}deploy_on_merge: true\n`);
    mockPullFiles(gh, 30, [{ filename: "services/web/src/index.js", patch: "@@ -1 +1 @@\n-a\n+b" }]);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 20,
      sha: MERGE,
      deployments: [],
      statuses: false,
    });
    const created = mockCreateDeployment(gh, { id: 31, sha: MERGE });
    const comment = mockAnswer(gh, 30);

    await gh.receive("pull_request", merged({ number: 30, body: "Refactor.", labels: [] }));

    expect(created()).toMatchObject({
      task: "deploy:web",
      environment: "staging",
      payload: { service: "web", pr: 30, reason: "merge" },
    });
    expect(findDeployCommentMarker(comment())).toBe(31);
    expect(gh.sent("GET", /\/git\/trees\//)).toEqual([]);
  });

  it("a redelivered merge finds the deployment it already created and stays silent", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockAllowedFix(gh);
    mockReviews(gh, 12, [{ login: "alice", state: "APPROVED", commit: HEAD }]);
    mockDeployments(gh, {
      service: "api",
      environment: "production",
      perPage: 20,
      sha: MERGE,
      statuses: false,
      deployments: [
        { id: 9001, sha: MERGE, payload: { service: "api", pr: 12, reason: "merge", requested_by: "carol" } },
      ],
    });

    await gh.receive("pull_request", merged());

    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
    expect(gh.sent("POST", /\/comments$/)).toEqual([]);
    expect(gh.logs.find((l) => l.msg === "not deploying this merge")).toMatchObject({
      why: "the merge of #12 is already queued as deployment 9001",
    });
  });

  it("explains a 409 from GitHub (required contexts not green) in the comment", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockAllowedFix(gh);
    mockReviews(gh, 12, [{ login: "alice", state: "APPROVED", commit: HEAD }]);
    mockDeployments(gh, {
      service: "api",
      environment: "production",
      perPage: 20,
      sha: MERGE,
      deployments: [],
      statuses: false,
    });
    mockCreateDeployment(gh, {
      status: 409,
      message: "Conflict: Commit status checks failed for eeeeeee.",
      errors: [
        {
          contexts: [{ context: "ci/build", state: "failure" }],
          resource: "Deployment",
          field: "required_contexts",
          code: "invalid",
        },
      ],
    });
    const comment = mockAnswer(gh, 12);

    await gh.receive("pull_request", merged());

    expect(comment()).toContain(
      "GitHub refused the deployment of `api` at `eeeeeee` (HTTP 409: Conflict: Commit status checks failed for eeeeeee.; ci/build: failure)",
    );
    expect(comment()).toContain("Once they are green, run `/orchestrator retry` here");
    expect(findDeployCommentMarker(comment())).toBeNull();
  });

  it("a PR closed without merging costs no request at all", async () => {
    await gh.receive("pull_request", merged({ merged: false }));
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("closed without merging: nothing to deploy");
  });
});
