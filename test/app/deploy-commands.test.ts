import { beforeEach, describe, expect, it } from "vitest";
import { findDeployCommentMarker } from "../../contract/markers.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig, mockEyes, mockPermission } from "../helpers/fix-world.js";
import {
  DEPLOY_CONFIG,
  fixPrBody,
  mockCommitTree,
  mockCreateDeployment,
  mockDeployments,
  mockPullFiles,
  mockReviews,
} from "../helpers/deploy-world.js";

const COMMENT_ID = 492700400;

function comment(
  body: string,
  options: { login?: string; onPr?: boolean } = {},
): WebhookPayload<"issue_comment"> {
  const payload = adaptPayload(
    webhookExample("issue_comment", (p) => p.action === "created"),
    {
      sender: { login: options.login ?? "alice" },
    },
  );
  payload.comment.body = body;
  payload.comment.id = COMMENT_ID;
  payload.issue.number = 1;
  if (options.onPr ?? true)
    (payload.issue as { pull_request?: object }).pull_request = { url: `https://api.github.com${R}/pulls/1` };
  else delete (payload.issue as { pull_request?: object }).pull_request;
  return payload;
}

/** Config, the commenter's permission and the eyes reaction: the dispatcher's part of every command. */
function mockCommandStart(
  gh: ReturnType<typeof useGitHubHarness>,
  login = "alice",
  permission: "write" | "admin" = "write",
  mint = true,
): void {
  // Probot caches the installation token for later deliveries of the same test.
  if (mint) gh.mintToken();
  mockConfig(gh, DEPLOY_CONFIG);
  mockPermission(gh, login, permission);
  mockEyes(gh, COMMENT_ID);
}

function mockResolve(gh: ReturnType<typeof useGitHubHarness>, ref: string, to: string | null): void {
  const scope = gh.github.get(`${R}/commits/${encodeURIComponent(ref)}`).query({ per_page: "1" });
  if (to) scope.reply(200, { sha: to });
  else scope.reply(422, { message: `No commit found for SHA: ${ref}` });
}

const MAIN = sha("a");
const OLD = sha("b");
const CUR = sha("c");
const merge = (pr: number) => ({ service: "web", pr, reason: "merge", requested_by: "alice" });

describe("/orchestrator deploy", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("deploys the default branch head of an unprotected service; the answer is the deploy comment", async () => {
    mockCommandStart(gh);
    mockResolve(gh, "main", MAIN);
    const created = mockCreateDeployment(gh, { id: 77, sha: MAIN });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator deploy web"));

    expect(created()).toMatchObject({
      ref: MAIN,
      task: "deploy:web",
      environment: "staging",
      payload: { service: "web", pr: 1, reason: "command", requested_by: "alice" },
      auto_merge: false,
    });
    expect(answer()).toMatch(
      /^@alice \*\*Deploy queued\*\*: `web` at `aaaaaaa` to `staging` \(deployment 77, deploy command/,
    );
    expect(findDeployCommentMarker(answer())).toBe(77);
  });

  it("says so for a ref that does not exist, and creates nothing", async () => {
    mockCommandStart(gh);
    mockResolve(gh, "nope", null);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator deploy web nope"));

    expect(answer()).toBe(
      "@alice `nope` is not a branch, tag or commit of this repository, so nothing was deployed.",
    );
  });

  it("refuses a protected service for a non-approver when the commit is no approved PR's merge", async () => {
    mockCommandStart(gh, "bob", "admin");
    mockResolve(gh, "v1.2", CUR);
    gh.github.get(`${R}/commits/${CUR}/pulls`).query({ per_page: "10" }).reply(200, []);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator deploy api v1.2", { login: "bob" }));

    expect(answer()).toBe(
      "@bob **Not deployed**: `api` at `ccccccc`: the service is protected: a deploy needs @alice to run it, or a commit merged from a pull request they approved (ccccccc is not the merge commit of a pull request). No deployment was created.",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });

  it("lets a non-approver deploy a protected service's commit that merged a PR an approver approved", async () => {
    mockCommandStart(gh, "bob");
    mockResolve(gh, CUR, CUR);
    gh.github
      .get(`${R}/commits/${CUR}/pulls`)
      .query({ per_page: "10" })
      .reply(200, [
        {
          number: 5,
          html_url: "https://github.com/acme/stack/pull/5",
          body: "",
          merged_at: "2026-01-01T00:00:00Z",
          merge_commit_sha: CUR,
          head: { sha: sha("d"), ref: "x" },
        },
      ]);
    mockReviews(gh, 5, [{ login: "alice", state: "APPROVED", commit: sha("d") }]);
    const created = mockCreateDeployment(gh, { id: 78, sha: CUR });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment(`/orchestrator deploy api ${CUR}`, { login: "bob" }));

    expect(created()).toMatchObject({
      ref: CUR,
      environment: "production",
      payload: { service: "api", requested_by: "bob" },
    });
    expect(findDeployCommentMarker(answer())).toBe(78);
  });

  it("an allowed approver may deploy a protected service from an issue; the deployment reports to no PR", async () => {
    mockCommandStart(gh);
    mockResolve(gh, "main", MAIN);
    const created = mockCreateDeployment(gh, { id: 79, sha: MAIN });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator deploy api", { onPr: false }));

    expect(created()).toMatchObject({ payload: { service: "api", pr: null, reason: "command" } });
    expect(answer()).toContain(
      "No pull request is involved: follow it on the `production` environment page.",
    );
  });

  it("answers a malformed ref, an unknown service and an unauthorized commenter without deploying", async () => {
    mockCommandStart(gh);
    const bad = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator deploy web ../etc"));
    expect(bad()).toBe(
      "@alice `../etc` is not a valid git ref (letters, digits, '.', '_', '/', '-'; no '..')",
    );

    mockCommandStart(gh, "alice", "write", false);
    const unknown = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator deploy db"));
    expect(unknown()).toBe("@alice `db` is not a configured service. Configured: `api`, `web`.");

    mockConfig(gh, DEPLOY_CONFIG);
    gh.github
      .get(`${R}/collaborators/eve/permission`)
      .reply(200, { permission: "read", role_name: "read", user: { login: "eve" } });
    const refused = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator deploy web", { login: "eve" }));
    expect(refused()).toBe(
      "@eve orchestrator commands need `write` permission on this repository; you have `read`.",
    );

    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });
});

describe("/orchestrator rollback", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("redeploys the last successful deployment before the current one", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 30,
      deployments: [
        {
          id: 40,
          sha: sha("f"),
          payload: merge(9),
          states: ["in_progress", "failure"],
          created_at: "2026-01-04T00:00:00Z",
        },
        {
          id: 30,
          sha: CUR,
          payload: merge(8),
          states: ["in_progress", "success"],
          created_at: "2026-01-03T00:00:00Z",
        },
        {
          id: 20,
          sha: OLD,
          payload: merge(7),
          states: ["success", "inactive"],
          created_at: "2026-01-02T00:00:00Z",
        },
      ],
    });
    const created = mockCreateDeployment(gh, { id: 41, sha: OLD });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator rollback web"));

    expect(created()).toMatchObject({
      ref: OLD,
      task: "deploy:web",
      payload: { service: "web", pr: 1, reason: "rollback", requested_by: "alice", rollback_of: 30 },
    });
    expect(answer()).toContain("(deployment 41, rollback of deployment 30, requested by @alice)");
  });

  it("says clearly when there is no earlier success to return to", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 30,
      deployments: [{ id: 30, sha: CUR, payload: merge(8), states: ["success"] }],
    });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator rollback web"));

    expect(answer()).toBe(
      "@alice Nothing to roll back to for `web` in `staging`: there is no successful deployment of another commit before the current one (ccccccc, deployment 30).",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });
});

describe("/orchestrator status", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("answers one table per service with the current version and recent states", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "api",
      environment: "production",
      perPage: 5,
      deployments: [
        {
          id: 3,
          sha: CUR,
          payload: { ...merge(8), service: "api" },
          states: ["queued"],
          created_at: "2026-01-03T10:00:00Z",
        },
      ],
    });
    mockDeployments(gh, { service: "web", environment: "staging", perPage: 5, deployments: [] });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator status"));

    expect(answer().split("\n")).toEqual([
      "@alice deploy status:",
      "",
      "**`api`** in `production`: no successful deployment yet",
      "",
      "| deployment | commit | state | reason | by | created | note |",
      "|---|---|---|---|---|---|---|",
      "| 3 | `ccccccc` | queued | merge of #8 | @alice | 2026-01-03 10:00Z | queued note |",
      "",
      "**`web`** in `staging`: no deployments by orchestrator yet.",
    ]);
  });

  it("limits the answer to the named service", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 5,
      deployments: [{ id: 9, sha: CUR, payload: merge(8), states: ["in_progress", "success"] }],
    });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator status web"));

    expect(answer()).toContain("**`web`** in `staging`: running `ccccccc` (deployment 9, merge of #8)");
    expect(answer()).not.toContain("`api`");
  });
});

describe("/orchestrator retry", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  function mockPull(merged: boolean): void {
    gh.github.get(`${R}/pulls/1`).reply(200, {
      number: 1,
      html_url: "https://github.com/acme/stack/pull/1",
      body: fixPrBody("web"),
      labels: [{ name: "orchestrator" }],
      merged_at: merged ? "2026-01-01T00:00:00Z" : null,
      merge_commit_sha: merged ? CUR : null,
      head: { sha: sha("d"), ref: "orchestrator/web/0123456789" },
    });
  }

  it("redeploys a merged PR's merge commit after the same checks as on merge", async () => {
    mockCommandStart(gh);
    mockPull(true);
    mockPullFiles(gh, 1, [
      {
        filename: "services/web/package.json",
        patch: '@@ -1 +1 @@\n-{}\n+{"dependencies":{"lodash":"^4.17.21"}}',
      },
    ]);
    mockCommitTree(gh, CUR, sha("9"), { "services/web/package.json": { sha: sha("8") } });
    const created = mockCreateDeployment(gh, { id: 50, sha: CUR });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator retry"));

    expect(created()).toMatchObject({
      ref: CUR,
      payload: { service: "web", pr: 1, reason: "retry", requested_by: "alice" },
    });
    expect(findDeployCommentMarker(answer())).toBe(50);
  });

  it("on an unmerged PR says there is no merge commit", async () => {
    mockCommandStart(gh);
    mockPull(false);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator retry"));

    expect(answer()).toBe(
      "@alice this pull request is not merged, so there is no merge commit to deploy. Merge it first, or use `/orchestrator deploy <service> [ref]`.",
    );
  });

  it("on an issue says it needs a pull request", async () => {
    mockCommandStart(gh);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator retry", { onPr: false }));

    expect(answer()).toMatch(
      /^@alice `retry` redeploys the merge commit of a pull request, so it only works on one\./,
    );
  });
});
