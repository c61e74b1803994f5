import { beforeEach, describe, expect, it } from "vitest";
import { revertOfferMarker } from "../../contract/markers.js";
import { ROLLED_BACK_PREFIX } from "../../contract/outcome.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig, mockPullsForBranch } from "../helpers/fix-world.js";
import { DEPLOY_CONFIG, mockCommitTree, mockPullFiles, mockTree } from "../helpers/deploy-world.js";
import { BOT_USER, mockAppIdentity, signPayload, type UnsignedPayload } from "../helpers/signing.js";

const MERGE = sha("e");
const PARENT = sha("1");
const HEAD = sha("2");
const [PARENT_TREE, MERGE_TREE, HEAD_TREE] = [sha("3"), sha("4"), sha("5")];
const BRANCH = "orchestrator/revert/eeeeeee";
const REQ_BEFORE = { sha: sha("6") };
const REQ_AFTER = { sha: sha("7") };
const OTHER = { sha: sha("8") };

function rolledBack(
  options: { state?: string; description?: string; payload?: object; task?: string } = {},
): WebhookPayload<"deployment_status"> {
  const payload = adaptPayload(webhookExample("deployment_status"), {
    sender: { login: "orchestrator[bot]", type: "Bot" },
  });
  const deployment = payload.deployment as unknown as Record<string, unknown>;
  deployment.id = 9001;
  deployment.task = options.task ?? "deploy:api";
  deployment.environment = "production";
  deployment.sha = MERGE;
  deployment.creator = BOT_USER;
  // As the app created it: signed for this repository, environment and commit at creation time.
  deployment.payload = signPayload(
    (options.payload ?? {
      service: "api",
      pr: 12,
      reason: "merge",
      requested_by: "carol",
    }) as UnsignedPayload,
    { environment: "production", sha: MERGE, createdAt: String(deployment.created_at) },
  );
  const status = payload.deployment_status as unknown as Record<string, unknown>;
  status.creator = BOT_USER;
  status.state = options.state ?? "failure";
  status.description =
    options.description ??
    `${ROLLED_BACK_PREFIX} health check failed (HTTP 503 for 60s); running aaaaaaa again`;
  return payload;
}

/** The merged PR #12, its files, and the three snapshots: first parent, merge, default head. */
function mockWorld(
  gh: ReturnType<typeof useGitHubHarness>,
  headFiles: Record<string, { sha: string }>,
): void {
  mockAppIdentity(gh, { optional: false });
  gh.mintToken();
  mockConfig(gh, DEPLOY_CONFIG);
  gh.github.get(`${R}/pulls/12`).reply(200, {
    number: 12,
    merged_at: "2026-01-01T00:00:00Z",
    merge_commit_sha: MERGE,
    head: { sha: sha("d"), ref: "x" },
  });
  mockPullsForBranch(gh, BRANCH, []);
  mockPullFiles(gh, 12, [
    { filename: "services/api/requirements.txt", patch: "@@ -1 +1,2 @@\n flask\n+PyYAML" },
    { filename: "services/api/constraints.txt", status: "added", patch: "@@ -0,0 +1 @@\n+PyYAML<7" },
  ]);
  mockCommitTree(
    gh,
    MERGE,
    MERGE_TREE,
    {
      "services/api/requirements.txt": REQ_AFTER,
      "services/api/constraints.txt": OTHER,
      "README.md": OTHER,
    },
    [PARENT, sha("9")],
  );
  mockCommitTree(gh, PARENT, PARENT_TREE, {
    "services/api/requirements.txt": REQ_BEFORE,
    "README.md": OTHER,
  });
  gh.github
    .get(`${R}/git/ref/heads%2Fmain`)
    .reply(200, { ref: "refs/heads/main", object: { sha: HEAD, type: "commit" } });
  mockCommitTree(gh, HEAD, HEAD_TREE, null);
  mockTree(gh, HEAD_TREE, headFiles);
}

function mockNoOfferYet(gh: ReturnType<typeof useGitHubHarness>): () => string {
  gh.github
    .get(`${R}/issues/12/comments`)
    .query({ per_page: "100" })
    .reply(200, [{ id: 1, body: "LGTM", user: { login: "alice", type: "User" } }]);
  let body = "";
  gh.github
    .post(`${R}/issues/12/comments`, (b: { body: string }) => {
      body = b.body;
      return true;
    })
    .reply(201, { id: 2, html_url: "https://github.com/acme/stack/pull/12#issuecomment-2" });
  return () => body;
}

describe("deployment_status after a rollback: the revert-PR offer", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("opens a revert PR restoring the service files to the merge's first parent, and links it on the PR", async () => {
    mockWorld(gh, {
      "services/api/requirements.txt": REQ_AFTER,
      "services/api/constraints.txt": OTHER,
      "README.md": { sha: sha("a") },
    });
    let tree: unknown = null;
    gh.github
      .post(`${R}/git/trees`, (b: unknown) => {
        tree = b;
        return true;
      })
      .reply(201, { sha: sha("b"), tree: [] });
    gh.github
      .post(
        `${R}/git/commits`,
        (b: { parents: string[]; tree: string }) => b.parents[0] === HEAD && b.tree === sha("b"),
      )
      .reply(201, { sha: sha("c") });
    gh.github
      .post(`${R}/git/refs`, { ref: `refs/heads/${BRANCH}`, sha: sha("c") })
      .reply(201, { ref: `refs/heads/${BRANCH}` });
    let prBody = "";
    gh.github
      .post(`${R}/pulls`, (b: { head: string; base: string; title: string; body: string }) => {
        prBody = b.body;
        return (
          b.head === BRANCH &&
          b.base === "main" &&
          b.title === "revert(api): undo #12, rolled back in production"
        );
      })
      .reply(201, { number: 99, html_url: "https://github.com/acme/stack/pull/99", head: { sha: sha("c") } });
    const comment = mockNoOfferYet(gh);

    const leaked = `ghp_${"x".repeat(36)}`;
    await gh.receive(
      "deployment_status",
      rolledBack({
        description: `${ROLLED_BACK_PREFIX} health check failed (HTTP 503 for 60s) token=${leaked}`,
      }),
    );

    expect(gh.bodies()).not.toContain(leaked);
    expect(tree).toEqual({
      base_tree: HEAD_TREE,
      tree: [
        { path: "services/api/constraints.txt", mode: "100644", type: "blob", sha: null },
        { path: "services/api/requirements.txt", mode: "100644", type: "blob", sha: REQ_BEFORE.sha },
      ],
    });
    expect(prBody).toContain("> rolled back: health check failed (HTTP 503 for 60s)");
    expect(comment().startsWith(revertOfferMarker(9001))).toBe(true);
    expect(comment()).toContain("merge the revert: #99 (https://github.com/acme/stack/pull/99)");
  });

  it("declines, saying why, when main has changed those files since the merge", async () => {
    mockWorld(gh, {
      "services/api/requirements.txt": { sha: sha("f") },
      "services/api/constraints.txt": OTHER,
    });
    const comment = mockNoOfferYet(gh);

    await gh.receive("deployment_status", rolledBack());

    expect(comment()).toContain(
      "No revert pull request was opened: the default branch has changed services/api/requirements.txt since the merge (now at 2222222)",
    );
    expect(gh.sent("POST", `${R}/git/trees`)).toEqual([]);
  });

  it("is idempotent: an open revert PR is linked again by updating the same comment", async () => {
    mockAppIdentity(gh, { optional: false });
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    gh.github.get(`${R}/pulls/12`).reply(200, {
      number: 12,
      merged_at: "2026-01-01T00:00:00Z",
      merge_commit_sha: MERGE,
      head: { sha: sha("d"), ref: "x" },
    });
    mockPullsForBranch(gh, BRANCH, [
      {
        number: 99,
        state: "open",
        merged_at: null,
        html_url: "https://github.com/acme/stack/pull/99",
        head: { sha: sha("c") },
      },
    ]);
    gh.github
      .get(`${R}/issues/12/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        { id: 5, body: `${revertOfferMarker(9001)}\nold`, user: { login: "orchestrator[bot]", type: "Bot" } },
      ]);
    let body = "";
    gh.github
      .patch(`${R}/issues/comments/5`, (b: { body: string }) => {
        body = b.body;
        return true;
      })
      .reply(200, { id: 5, html_url: "https://github.com/acme/stack/pull/12#issuecomment-5" });

    await gh.receive("deployment_status", rolledBack());

    expect(body).toContain("The revert is open: #99 (https://github.com/acme/stack/pull/99)");
  });

  it("does nothing for successes, failures without rollback, foreign tasks and rollback deployments", async () => {
    await gh.receive("deployment_status", rolledBack({ state: "success", description: "deployed" }));
    await gh.receive("deployment_status", rolledBack({ description: "build failed: service untouched" }));
    await gh.receive("deployment_status", rolledBack({ task: "deploy" }));
    await gh.receive(
      "deployment_status",
      rolledBack({
        payload: { service: "api", pr: 12, reason: "rollback", requested_by: "a", rollback_of: 3 },
      }),
    );
    expect(gh.requests).toEqual([]);
  });
});
