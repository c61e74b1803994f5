import { beforeEach, describe, expect, it } from "vitest";
import { findDeployCommentMarker } from "../../contract/markers.js";
import { useGitHubHarness } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import {
  fixPrBody,
  mockCommitTree,
  mockCreateDeployment,
  mockPullFiles,
  commandComment,
  mockCommandStart,
  CUR,
} from "../helpers/deploy-world.js";

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

    await gh.receive("issue_comment", commandComment("/orchestrator retry"));

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

    await gh.receive("issue_comment", commandComment("/orchestrator retry"));

    expect(answer()).toBe(
      "@alice this pull request is not merged, so there is no merge commit to deploy. Merge it first, or use `/orchestrator deploy <service> [ref]`.",
    );
  });

  it("on an issue says it needs a pull request", async () => {
    mockCommandStart(gh);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator retry", { onPr: false }));

    expect(answer()).toMatch(
      /^@alice `retry` redeploys the merge commit of a pull request, so it only works on one\./,
    );
  });
});
