import { beforeEach, describe, expect, it } from "vitest";
import { findDeployCommentMarker } from "../../contract/markers.js";
import { useGitHubHarness } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig } from "../helpers/fix-world.js";
import {
  DEPLOY_CONFIG,
  mockCreateDeployment,
  mockReviews,
  commandComment,
  mockCommandStart,
  mockResolve,
  MAIN,
  CUR,
} from "../helpers/deploy-world.js";

describe("/orchestrator deploy", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("deploys the default branch head of an unprotected service; the answer is the deploy comment", async () => {
    mockCommandStart(gh);
    mockResolve(gh, "main", MAIN);
    const created = mockCreateDeployment(gh, { id: 77, sha: MAIN });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator deploy web"));

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

    await gh.receive("issue_comment", commandComment("/orchestrator deploy web nope"));

    expect(answer()).toBe(
      "@alice `nope` is not a branch, tag or commit of this repository, so nothing was deployed.",
    );
  });

  it("refuses a protected service for a non-approver when the commit is no approved PR's merge", async () => {
    mockCommandStart(gh, "bob", "admin");
    mockResolve(gh, "v1.2", CUR);
    gh.github.get(`${R}/commits/${CUR}/pulls`).query({ per_page: "10" }).reply(200, []);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator deploy api v1.2", { login: "bob" }));

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

    await gh.receive("issue_comment", commandComment(`/orchestrator deploy api ${CUR}`, { login: "bob" }));

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

    await gh.receive("issue_comment", commandComment("/orchestrator deploy api", { onPr: false }));

    expect(created()).toMatchObject({ payload: { service: "api", pr: null, reason: "command" } });
    expect(answer()).toContain(
      "No pull request is involved: follow it on the `production` environment page.",
    );
  });

  it("answers a malformed ref, an unknown service and an unauthorized commenter without deploying", async () => {
    mockCommandStart(gh);
    const bad = mockAnswer(gh, 1);
    await gh.receive("issue_comment", commandComment("/orchestrator deploy web ../etc"));
    expect(bad()).toBe(
      "@alice `../etc` is not a valid git ref (letters, digits, '.', '_', '/', '-'; no '..')",
    );

    mockCommandStart(gh, "alice", "write", false);
    const unknown = mockAnswer(gh, 1);
    await gh.receive("issue_comment", commandComment("/orchestrator deploy db"));
    expect(unknown()).toBe("@alice `db` is not a configured service. Configured: `api`, `web`.");

    mockConfig(gh, DEPLOY_CONFIG);
    gh.github
      .get(`${R}/collaborators/eve/permission`)
      .reply(200, { permission: "read", role_name: "read", user: { login: "eve" } });
    const refused = mockAnswer(gh, 1);
    await gh.receive("issue_comment", commandComment("/orchestrator deploy web", { login: "eve" }));
    expect(refused()).toBe(
      "@eve orchestrator commands need `write` permission on this repository; you have `read`.",
    );

    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });
});
