import { beforeEach, describe, expect, it } from "vitest";
import { CHECK_ACTIONS, deployCheckName } from "../../contract/checks.js";
import { findDeployCommentMarker } from "../../contract/markers.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig, mockPermission } from "../helpers/fix-world.js";
import { DEPLOY_CONFIG, mockCreateDeployment, mockDeployments } from "../helpers/deploy-world.js";

const OLD = sha("b");
const CUR = sha("c");
const merge = (pr: number) => ({ service: "web", pr, reason: "merge", requested_by: "alice" });

function click(
  identifier: string,
  options: { login?: string; name?: string; headSha?: string } = {},
): WebhookPayload<"check_run"> {
  const payload = adaptPayload(
    webhookExample("check_run", (p) => p.action === "requested_action"),
    {
      sender: { login: options.login ?? "alice" },
    },
  );
  payload.check_run.name = options.name ?? deployCheckName("web");
  payload.check_run.head_sha = options.headSha ?? CUR;
  payload.check_run.pull_requests = [];
  (payload as { requested_action?: { identifier: string } }).requested_action = { identifier };
  return payload;
}

/** Config, and the deployment of the clicked commit that tells which PR to answer on (#8). */
function mockClickStart(gh: ReturnType<typeof useGitHubHarness>, headSha = CUR): void {
  gh.mintToken();
  mockConfig(gh, DEPLOY_CONFIG);
  mockDeployments(gh, {
    service: "web",
    environment: "staging",
    perPage: 10,
    sha: headSha,
    statuses: false,
    deployments: [{ id: 30, sha: headSha, payload: merge(8) }],
  });
}

function mockHistory(gh: ReturnType<typeof useGitHubHarness>): void {
  mockDeployments(gh, {
    service: "web",
    environment: "staging",
    perPage: 30,
    deployments: [
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
}

describe("check_run.requested_action on the deploy check run", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("Roll back: redeploys the previous version and tells the PR of the rolled-back deploy", async () => {
    mockClickStart(gh);
    mockPermission(gh, "alice", "write");
    mockHistory(gh);
    const created = mockCreateDeployment(gh, { id: 31, sha: OLD });
    const comment = mockAnswer(gh, 8);

    await gh.receive("check_run", click(CHECK_ACTIONS.rollback.identifier));

    expect(created()).toMatchObject({
      ref: OLD,
      payload: { service: "web", pr: 8, reason: "rollback", rollback_of: 30, requested_by: "alice" },
    });
    expect(findDeployCommentMarker(comment())).toBe(31);
    expect(comment()).toMatch(/^@alice \*\*Deploy queued\*\*/);
  });

  it("Retry: redeploys the check run's commit", async () => {
    mockClickStart(gh);
    mockPermission(gh, "alice", "write");
    const created = mockCreateDeployment(gh, { id: 32, sha: CUR });
    const comment = mockAnswer(gh, 8);

    await gh.receive("check_run", click(CHECK_ACTIONS.retry.identifier));

    expect(created()).toMatchObject({
      ref: CUR,
      payload: { service: "web", pr: 8, reason: "retry", requested_by: "alice" },
    });
    expect(findDeployCommentMarker(comment())).toBe(32);
  });

  it("checks the clicker's permission like a commenter's", async () => {
    mockClickStart(gh);
    mockPermission(gh, "alice", "read");
    const comment = mockAnswer(gh, 8);

    await gh.receive("check_run", click(CHECK_ACTIONS.rollback.identifier));

    expect(comment()).toBe(
      "@alice orchestrator commands need `write` permission on this repository; you have `read`.",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });

  it("a Roll back button on a version that no longer runs does nothing but say so", async () => {
    mockClickStart(gh, OLD);
    mockPermission(gh, "alice", "write");
    mockHistory(gh);
    const comment = mockAnswer(gh, 8);

    await gh.receive("check_run", click(CHECK_ACTIONS.rollback.identifier, { headSha: OLD }));

    expect(comment()).toBe(
      "@alice Not rolling back `web`: this check run is for bbbbbbb, but ccccccc (deployment 30) is what runs now. Use `/orchestrator rollback web` to roll that back.",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });

  it("ignores other apps' check runs and unknown actions without a request", async () => {
    await gh.receive("check_run", click("rollback", { name: "API Review" }));
    await gh.receive("check_run", click("self-destruct"));
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toEqual(
      expect.arrayContaining(["not a deploy check run", "unknown check run action: ignoring it"]),
    );
  });
});
