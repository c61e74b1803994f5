/**
 * Attack: a collaborator with `deployments: write` plants deployments and statuses in the history the
 * app trusts: a "successful" deployment of their commit for `rollback` / Roll back to return to, a
 * deployment of their commit for Retry to redeploy, a "rolled back:" status that makes the app offer
 * a revert PR. Only the app's bot's own signed deployments and statuses may count.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { CHECK_ACTIONS, deployCheckName } from "../../contract/checks.js";
import { ROLLED_BACK_PREFIX } from "../../contract/outcome.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import { mockConfig, mockEyes, mockPermission } from "../helpers/fix-world.js";
import { BOT_USER, mockAppIdentity, signPayload } from "../helpers/signing.js";
import { mockCreateDeployment, mockDeployments } from "../helpers/deploy-world.js";
import { DEPLOY_CONFIG } from "../helpers/deploy-world.js";

const MALLORY = { login: "mallory", type: "User" };
const CUR = sha("c");
const EVIL = sha("e");
const OLD = sha("b");
const merge = (pr: number) => ({ service: "web", pr, reason: "merge", requested_by: "alice" });

function command(body: string): WebhookPayload<"issue_comment"> {
  const payload = adaptPayload(
    webhookExample("issue_comment", (p) => p.action === "created"),
    { sender: { login: "alice" } },
  );
  payload.comment.body = body;
  payload.comment.id = 4242;
  payload.issue.number = 1;
  (payload.issue as { pull_request?: object }).pull_request = { url: `https://api.github.com${R}/pulls/1` };
  return payload;
}

describe("rollback walks back only through the app's own deployments", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("skips planted 'successful' deployments: by a collaborator, unsigned, or with a success status a collaborator wrote", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 4242);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 30,
      deployments: [
        { id: 30, sha: CUR, payload: merge(8), states: ["success"], created_at: "2026-01-05T00:00:00Z" },
        // Planted: created by mallory (payload valid for its commit, e.g. made by a copy of the app's code).
        {
          id: 29,
          sha: EVIL,
          payload: merge(8),
          states: ["success"],
          created_at: "2026-01-04T00:00:00Z",
          creator: MALLORY,
        },
        // Planted: the bot's name on it, but no signature.
        {
          id: 28,
          sha: EVIL,
          payload: merge(8),
          states: ["success"],
          created_at: "2026-01-03T12:00:00Z",
          signed: false,
        },
        // The app's deployment of the evil commit that failed; mallory added the "success".
        {
          id: 27,
          sha: EVIL,
          payload: merge(8),
          states: ["success"],
          created_at: "2026-01-03T00:00:00Z",
          statusCreator: MALLORY,
        },
        { id: 20, sha: OLD, payload: merge(7), states: ["success"], created_at: "2026-01-02T00:00:00Z" },
      ],
    });
    const created = mockCreateDeployment(gh, { id: 41, sha: OLD });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", command("/orchestrator rollback web"));

    expect(created()).toMatchObject({ ref: OLD, payload: { reason: "rollback", rollback_of: 30 } });
    expect(answer()).toContain("(deployment 41, rollback of deployment 30, requested by @alice)");
    const ignored = gh.logs.filter((l) => l.msg === "ignoring a deployment that is not the app's");
    expect(ignored.map((l) => l.deployment)).toEqual([29, 28]);
    expect(String(ignored[0]!.why)).toBe("created by @mallory, not by the app (orchestrator[bot])");
  });

  it("Retry does nothing for a commit only a collaborator 'deployed'", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 10,
      sha: EVIL,
      statuses: false,
      deployments: [{ id: 29, sha: EVIL, payload: merge(8), creator: MALLORY }],
    });
    mockPermission(gh, "alice", "write");
    const click = adaptPayload(
      webhookExample("check_run", (p) => p.action === "requested_action"),
      { sender: { login: "alice" } },
    );
    click.check_run.name = deployCheckName("web");
    click.check_run.head_sha = EVIL;
    click.check_run.pull_requests = [{ number: 8 } as (typeof click.check_run.pull_requests)[number]];
    (click as { requested_action?: { identifier: string } }).requested_action = {
      identifier: CHECK_ACTIONS.retry.identifier,
    };
    const answer = mockAnswer(gh, 8);

    await gh.receive("check_run", click);

    expect(answer()).toBe(
      "@alice eeeeeee was never deployed by orchestrator for `web`, so Retry does nothing. Use `/orchestrator deploy web eeeeeee`.",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });
});

describe("the revert offer trusts only the bot's rolled-back status on the app's deployment", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  function rolledBack(options: {
    statusCreator: object;
    deploymentCreator: object;
  }): WebhookPayload<"deployment_status"> {
    const payload = adaptPayload(webhookExample("deployment_status"), { sender: { login: "mallory" } });
    const deployment = payload.deployment as unknown as Record<string, unknown>;
    Object.assign(deployment, {
      id: 9001,
      task: "deploy:api",
      environment: "production",
      sha: CUR,
      creator: options.deploymentCreator,
    });
    deployment.payload = signPayload(
      { service: "api", pr: 12, reason: "merge", requested_by: "carol" },
      { environment: "production", sha: CUR, createdAt: String(deployment.created_at) },
    );
    Object.assign(payload.deployment_status as unknown as Record<string, unknown>, {
      state: "failure",
      description: `${ROLLED_BACK_PREFIX} health check failed; running aaaaaaa again`,
      creator: options.statusCreator,
    });
    return payload;
  }

  it.each([
    [
      "a status a collaborator wrote on the app's deployment",
      MALLORY,
      BOT_USER,
      "a rolled-back status not written by the app's bot: ignoring it",
    ],
    [
      "the bot's status on a collaborator's deployment",
      BOT_USER,
      MALLORY,
      "a rolled-back status on a deployment that is not the app's: ignoring it",
    ],
  ])("ignores %s: no revert PR, no comment", async (_what, statusCreator, deploymentCreator, message) => {
    mockAppIdentity(gh, { optional: false });

    await gh.receive("deployment_status", rolledBack({ statusCreator, deploymentCreator }));

    expect(gh.messages()).toContain(message);
    // Only the identity lookup: no config read, no branch, no PR, no comment.
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /app"]);
  });
});
