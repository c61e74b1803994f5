import { beforeEach, describe, expect, it } from "vitest";
import { signedMarker } from "../helpers/signing.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, testApp } from "../helpers/app-world.js";
import { configText, mockConfig } from "../helpers/fix-world.js";

const HEAD = "a1".repeat(20);
const OLD = "0f".repeat(20);
const BRANCH = "orchestrator/api/0123456789";
const BODY = `${signedMarker(
  {
    v: 1,
    service: "api",
    fingerprint: "0123456789",
    finding: { kind: "python_module", missing: "yaml", package: "PyYAML", ecosystem: "pypi" },
    run_url: null,
    base_sha: OLD,
  },
  BRANCH,
)}\n\nfix`;

function review(action: "submitted" | "dismissed", login = "alice"): WebhookPayload<"pull_request_review"> {
  const payload = adaptPayload(
    webhookExample("pull_request_review", (p) => p.action === action),
    { sender: { login } },
  );
  Object.assign(payload.pull_request, {
    number: 9,
    body: BODY,
    head: { ...payload.pull_request.head, sha: HEAD, ref: BRANCH },
  });
  return payload;
}

type Review = { login: string; state: string; commit: string; at: string; type?: string };

function mockPull(gh: ReturnType<typeof useGitHubHarness>, reviews: Review[] | "error"): void {
  gh.github.get(`${R}/pulls/9`).reply(200, {
    number: 9,
    html_url: "https://github.com/acme/stack/pull/9",
    body: BODY,
    head: { sha: HEAD, ref: BRANCH },
  });
  const list = gh.github.get(`${R}/pulls/9/reviews`).query({ per_page: "100" });
  if (reviews === "error") {
    list.reply(502, { message: "Bad Gateway" });
    return;
  }
  list.reply(
    200,
    reviews.map((r, i) => ({
      id: i,
      user: { login: r.login, type: r.type ?? "User" },
      state: r.state,
      commit_id: r.commit,
      submitted_at: r.at,
    })),
  );
}

/** The approval check write: no existing check on HEAD, one POST captured. */
function mockApprovalCheck(
  gh: ReturnType<typeof useGitHubHarness>,
  existing?: number,
): () => Record<string, unknown> {
  let body: Record<string, unknown> = {};
  gh.github
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query({ check_name: "orchestrator / approval", filter: "latest" })
    .reply(200, {
      total_count: existing ? 1 : 0,
      check_runs: existing ? [{ id: existing, name: "orchestrator / approval" }] : [],
    });
  const capture = (b: Record<string, unknown>) => Boolean((body = b));
  if (existing) gh.github.patch(`${R}/check-runs/${existing}`, capture).reply(200, { id: existing });
  else gh.github.post(`${R}/check-runs`, capture).reply(201, { id: 1 });
  return () => body;
}

describe("approval gate", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(testApp()));

  it("turns green for an approving review on the current head by someone with write access", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPull(gh, [{ login: "alice", state: "APPROVED", commit: HEAD, at: "2024-05-01T10:00:00Z" }]);
    gh.github
      .get(`${R}/collaborators/alice/permission`)
      .reply(200, { permission: "write", role_name: "write", user: null });
    const check = mockApprovalCheck(gh);
    await gh.receive("pull_request_review", review("submitted"));
    expect(check()).toMatchObject({
      name: "orchestrator / approval",
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
    });
    expect((check().output as { title: string }).title).toBe("Approved by @alice");
  });

  it("an approval of an older commit does not count (a push resets the gate)", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPull(gh, [{ login: "alice", state: "APPROVED", commit: OLD, at: "2024-05-01T10:00:00Z" }]);
    const check = mockApprovalCheck(gh, 77);
    const payload = adaptPayload(webhookExample("pull_request", (p) => p.action === "synchronize"));
    Object.assign(payload.pull_request, {
      number: 9,
      body: BODY,
      head: { ...payload.pull_request.head, sha: HEAD, ref: BRANCH },
    });
    await gh.receive("pull_request", payload);
    expect(check()).toMatchObject({ status: "in_progress" });
    expect((check().output as { summary: string }).summary).toContain(
      `no approving review on the head commit ${HEAD.slice(0, 7)} yet`,
    );
  });

  it("only configured approvers count; a team entry is checked through the API", async () => {
    gh.mintToken();
    mockConfig(
      gh,
      `${configText()}`.replace(
        "path: services/api",
        'path: services/api\n    approvers: [carol, "@acme/sre"]',
      ),
    );
    mockPull(gh, [
      { login: "bob", state: "APPROVED", commit: HEAD, at: "2024-05-01T10:00:00Z" },
      { login: "dave", state: "APPROVED", commit: HEAD, at: "2024-05-01T10:05:00Z" },
    ]);
    gh.github.get("/orgs/acme/teams/sre/memberships/bob").reply(404, { message: "Not Found" });
    gh.github
      .get("/orgs/acme/teams/sre/memberships/dave")
      .reply(200, { state: "active", role: "member", url: "" });
    const check = mockApprovalCheck(gh);
    await gh.receive("pull_request_review", review("submitted", "dave"));
    expect(check()).toMatchObject({
      conclusion: "success",
      output: expect.objectContaining({ title: "Approved by @dave" }),
    });
  });

  it("fails closed: an API error while reading reviews leaves the gate pending", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPull(gh, "error");
    const check = mockApprovalCheck(gh);
    await gh.receive("pull_request_review", review("submitted"));
    expect(check()).toMatchObject({ status: "in_progress" });
    expect((check().output as { summary: string }).summary).toContain("could not read the reviews");
  });

  it("fails closed: an approver whose permission cannot be read does not count", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPull(gh, [{ login: "alice", state: "APPROVED", commit: HEAD, at: "2024-05-01T10:00:00Z" }]);
    gh.github.get(`${R}/collaborators/alice/permission`).reply(500, { message: "boom" });
    const check = mockApprovalCheck(gh);
    await gh.receive("pull_request_review", review("submitted"));
    expect(check()).toMatchObject({ status: "in_progress" });
    expect((check().output as { summary: string }).summary).toContain("could not verify @alice");
  });

  it("a dismissed review re-evaluates: the dismissed approval no longer counts", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPull(gh, [
      { login: "alice", state: "APPROVED", commit: HEAD, at: "2024-05-01T10:00:00Z" },
      { login: "alice", state: "DISMISSED", commit: HEAD, at: "2024-05-01T11:00:00Z" },
      { login: "renovate[bot]", state: "APPROVED", commit: HEAD, at: "2024-05-01T11:00:00Z", type: "Bot" },
    ]);
    const check = mockApprovalCheck(gh, 78);
    await gh.receive("pull_request_review", review("dismissed"));
    expect(check()).toMatchObject({ status: "in_progress" });
  });

  it("ignores reviews on pull requests that are not orchestrator fixes", async () => {
    const payload = review("submitted");
    payload.pull_request.head.ref = "feature/x";
    await gh.receive("pull_request_review", payload);
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("not an orchestrator fix pull request");
  });
});
