/**
 * Attack: anyone with `deployments: write` (a write collaborator, a workflow's GITHUB_TOKEN) creates a
 * Deployment for a service, with a made-up or a copied payload, hoping the runner deploys it. The
 * runner must refuse each one with an `error` status that says why, and run nothing (the pipeline is
 * what fetches git and drives Docker: it must never be called).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createGitHubReporter } from "../../runner/github/report/github-reporter.js";
import { createPoller } from "../../runner/github/poll/poller.js";
import { deriveSigningKey } from "../../src/deploy/signing.js";
import { useGitHubHarness } from "../helpers/github.js";
import { BOT_USER, signPayload } from "../helpers/signing.js";
import {
  captureLog,
  deployment,
  fakePipeline,
  json,
  mockAuth,
  REPO_PATH,
  sha,
  status,
  tempStateDir,
  testClient,
  testConfig,
  testRunnerTrust,
  type CapturedLog,
} from "../runner/github/fixtures.js";

const gh = useGitHubHarness();
const MALLORY = { login: "mallory", id: 66, type: "User" };
const CI_BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" };

let stateDir: string;
let log: CapturedLog;
beforeEach(() => {
  stateDir = tempStateDir();
  log = captureLog();
});

function runner() {
  const client = testClient();
  const pipeline = fakePipeline({ status: "success", reason: "deployed" });
  const reporter = createGitHubReporter({ gh: client, stateDir, log, runner: "host-1" });
  const poller = createPoller({
    gh: client,
    reporter,
    stateDir,
    workspace: "/srv/stack",
    gitRemote: "https://github.com/acme/stack.git",
    loadConfig: testConfig,
    environments: ["production"],
    env: {},
    log,
    trust: testRunnerTrust(),
    runDeploy: pipeline.run,
  });
  return { poller, pipeline };
}

/** The list the runner polls, each deployment without statuses yet, and one accepted error status each. */
function serve(deployments: ReturnType<typeof deployment>[]): void {
  mockAuth(gh);
  gh.github
    .get(`${REPO_PATH}/deployments`)
    .query({ environment: "production", per_page: "50" })
    .reply(200, deployments);
  for (const d of deployments) {
    gh.github.get(`${REPO_PATH}/deployments/${d.id}/statuses`).query({ per_page: "1" }).reply(200, []);
    gh.github.post(`${REPO_PATH}/deployments/${d.id}/statuses`).reply(201, {});
  }
}

const statusOf = (id: number) =>
  gh.sent("POST", `${REPO_PATH}/deployments/${id}/statuses`).map((r) => json(r.body));

/** A real deployment of `api` the app created (#300, at sha(300)), whose payload the attacker copies. */
const genuine = deployment(300, "api", { pr: null, reason: "command", requested_by: "alice" });
const copiedPayload = genuine.payload as Record<string, unknown>;

describe("the runner deploys only the app's own signed deployments", () => {
  it("refuses a collaborator's deployment with a hand-made payload: error status naming the creator, nothing runs", async () => {
    const forged = deployment(401, "api", { pr: 12, reason: "merge", requested_by: "alice" }, undefined, {
      creator: MALLORY,
      signed: false,
    });
    serve([forged]);
    const { poller, pipeline } = runner();

    const summary = await poller.pass();

    expect(summary.rejected).toEqual([401]);
    expect(statusOf(401)).toEqual([
      { state: "error", description: "refused: created by @mallory, not by the app (orchestrator[bot])" },
    ]);
    expect(pipeline.calls).toEqual([]);
    // The identity came from GET /app, authenticated with the App's JWT (the mock matches only that).
    expect(gh.sent("GET", "/app")).toHaveLength(1);
  });

  it("refuses a workflow's GITHUB_TOKEN deployment carrying a payload copied from a real one", async () => {
    const copy = { ...deployment(402, "api", {}, genuine.created_at, { creator: CI_BOT }), sha: genuine.sha };
    copy.payload = copiedPayload;
    serve([copy]);
    const { poller, pipeline } = runner();

    await poller.pass();

    expect(statusOf(402)).toEqual([
      {
        state: "error",
        description: "refused: created by @github-actions[bot], not by the app (orchestrator[bot])",
      },
    ]);
    expect(pipeline.calls).toEqual([]);
  });

  it("refuses an unsigned payload even from the bot, and says it is unsigned", async () => {
    serve([deployment(403, "api", { pr: 12 }, undefined, { signed: false })]);
    const { poller, pipeline } = runner();

    await poller.pass();

    expect(statusOf(403)).toEqual([
      { state: "error", description: "refused: the payload is not signed by the app (no sig)" },
    ]);
    expect(pipeline.calls).toEqual([]);
  });

  it.each([
    ["another commit", { sha: sha(999) }, {}],
    ["another service", { task: "deploy:web" }, { service: "web" }],
    ["another environment", { environment: "staging", original_environment: "staging" }, {}],
    ["another PR", {}, { pr: 13 }],
    ["another requester", {}, { requested_by: "mallory" }],
  ])("refuses a signed payload moved onto %s", async (_what, deploymentChange, payloadChange) => {
    const moved = {
      ...deployment(404, "api", {}, genuine.created_at),
      ...deploymentChange,
      payload: { ...copiedPayload, ...payloadChange },
    };
    serve([moved]);
    const { poller, pipeline } = runner();

    await poller.pass();

    expect(statusOf(404)).toEqual([
      {
        state: "error",
        description:
          "refused: the payload signature does not match this repository, environment, commit and payload",
      },
    ]);
    expect(pipeline.calls).toEqual([]);
  });

  it("refuses a payload signed with another key (a guessed or foreign signing key)", async () => {
    const foreign = deriveSigningKey({ secret: "not-the-apps-key-".repeat(3) });
    const d = deployment(405, "api", {}, undefined, { signed: false });
    d.payload = signPayload(
      { service: "api", pr: 12, reason: "merge", requested_by: "alice" },
      { environment: "production", sha: d.sha, createdAt: d.created_at },
      foreign,
    );
    serve([d]);
    const { poller, pipeline } = runner();

    await poller.pass();

    expect(statusOf(405)).toEqual([
      {
        state: "error",
        description:
          "refused: the payload signature does not match this repository, environment, commit and payload",
      },
    ]);
    expect(pipeline.calls).toEqual([]);
  });

  it("refuses a valid payload replayed into a deployment created long after it was signed", async () => {
    const replay = {
      ...deployment(406, "api", {}, "2025-01-02T00:00:00Z", { creator: BOT_USER }),
      sha: genuine.sha,
      ref: genuine.sha,
      payload: copiedPayload,
    };
    serve([replay]);
    const { poller, pipeline } = runner();

    await poller.pass();

    const [only] = statusOf(406);
    expect(only?.state).toBe("error");
    expect(String(only?.description)).toMatch(/^refused: the payload was signed at .*a copied payload/);
    expect(pipeline.calls).toEqual([]);
  });

  it("a status a collaborator adds to the app's deployment neither settles nor blocks it", async () => {
    mockAuth(gh);
    gh.github
      .get(`${REPO_PATH}/deployments`)
      .query({ environment: "production", per_page: "50" })
      .reply(200, [genuine]);
    const planted = status("success", "deployed (not really)", MALLORY);
    gh.github.get(`${REPO_PATH}/deployments/300/statuses`).query({ per_page: "1" }).reply(200, [planted]);
    gh.github.get(`${REPO_PATH}/deployments/300/statuses`).query({ per_page: "100" }).reply(200, [planted]);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    gh.github.post(`${REPO_PATH}/deployments/300/statuses`).times(2).reply(201, {});
    const { poller, pipeline } = runner();

    const summary = await poller.pass();

    expect(summary.deployed).toEqual([300]);
    expect(pipeline.calls.map((c) => c.ref)).toEqual([sha(300)]);
    expect(statusOf(300).map((b) => b.state)).toEqual(["in_progress", "success"]);
  });

  it("control: the genuine deployment itself runs", async () => {
    serve([genuine]);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    gh.github.post(`${REPO_PATH}/deployments/300/statuses`).reply(201, {});
    const { poller, pipeline } = runner();

    const summary = await poller.pass();

    expect(summary.deployed).toEqual([300]);
    expect(pipeline.calls.map((c) => [c.service, c.ref])).toEqual([["api", sha(300)]]);
  });
});
