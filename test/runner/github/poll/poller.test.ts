import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ROLLED_BACK_PREFIX } from "../../../../contract/outcome.js";
import { deployCheckName } from "../../../../contract/checks.js";
import { deployCommentMarker } from "../../../../contract/markers.js";
import { readEvents, runDir } from "../../../../runner/journal/journal-file.js";
import { allRuns } from "../../../../runner/journal/history.js";
import { readClaim } from "../../../../runner/github/poll/claims.js";
import { createGitHubReporter } from "../../../../runner/github/report/github-reporter.js";
import { createPoller, type Poller } from "../../../../runner/github/poll/poller.js";
import { useGitHubHarness } from "../../../helpers/github.js";
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
  throwingPipeline,
  type CapturedLog,
  type FakeOutcome,
} from "../fixtures.js";

const gh = useGitHubHarness();

const SUCCESS: FakeOutcome = {
  status: "success",
  reason: `deployed ${sha(101).slice(0, 12)}: healthy`,
  steps: [{ step: "build", ok: true, durationMs: 4200, detail: "built stack-web" }],
};

let stateDir: string;
let log: CapturedLog;

function poller(
  outcome: FakeOutcome,
  environments: string[] | null = ["production"],
  reporterOptions: { progressWaitMs?: number } = {},
): { poller: Poller; pipeline: ReturnType<typeof fakePipeline> } {
  const client = testClient();
  const pipeline = fakePipeline(outcome);
  const reporter = createGitHubReporter({ gh: client, stateDir, log, runner: "host-1", ...reporterOptions });
  return {
    pipeline,
    poller: createPoller({
      trust: testRunnerTrust(),
      gh: client,
      reporter,
      stateDir,
      workspace: "/srv/stack",
      gitRemote: "https://github.com/acme/stack.git",
      loadConfig: testConfig,
      environments,
      env: {},
      log,
      runDeploy: pipeline.run,
    }),
  };
}

const listDeployments = (etag?: string) => {
  const scope = gh.github
    .get(`${REPO_PATH}/deployments`)
    .query({ environment: "production", per_page: "50" });
  return etag ? scope.matchHeader("if-none-match", etag) : scope;
};
const statuses = (id: number) =>
  gh.github.get(`${REPO_PATH}/deployments/${id}/statuses`).query({ per_page: "1" });
const postStatus = (id: number) => gh.github.post(`${REPO_PATH}/deployments/${id}/statuses`);
const statusBodies = (id: number) =>
  gh.sent("POST", `${REPO_PATH}/deployments/${id}/statuses`).map((r) => json(r.body));

beforeEach(() => {
  stateDir = tempStateDir();
  log = captureLog();
});

describe("polling with ETag", () => {
  it("sends the ETag back and does no work on a 304", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [], { etag: '"v1"' });
    listDeployments('"v1"').reply(304);
    listDeployments('"v1"').reply(304);
    const { poller: p, pipeline } = poller(SUCCESS);

    const first = await p.pass();
    const second = await p.pass();
    const third = await p.pass();

    expect(first.notModified).toEqual([]);
    expect(second.notModified).toEqual(["production"]);
    expect(third.notModified).toEqual(["production"]);
    // Only the three list calls (plus auth): no statuses read, nothing claimed on a 304.
    expect(
      gh.requests.filter((r) => r.path.includes("/deployments")).map((r) => r.path.split("?")[0]),
    ).toEqual([`${REPO_PATH}/deployments`, `${REPO_PATH}/deployments`, `${REPO_PATH}/deployments`]);
    expect(pipeline.calls).toHaveLength(0);
  });

  it("polls every environment of the config when RUNNER_ENVIRONMENT is not set", async () => {
    mockAuth(gh);
    listDeployments().reply(200, []);
    gh.github
      .get(`${REPO_PATH}/deployments`)
      .query({ environment: "staging", per_page: "50" })
      .reply(200, []);
    const { poller: p } = poller(SUCCESS, null);
    await p.pass();
    expect(
      gh
        .sent("GET", `${REPO_PATH}/deployments`)
        .map((r) => new URL(r.path, "https://x").searchParams.get("environment")),
    ).toEqual(["production", "staging"]);
  });
});

describe("deciding what to run", () => {
  it("supersedes an older pending deployment, leaves one claimed elsewhere alone, rejects a bad payload", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [
      deployment(104, "web", "not json"),
      deployment(103, "api", { pr: null }),
      deployment(102, "web", { pr: null }),
      deployment(101, "web", { pr: null }),
      deployment(100, "web", { pr: null }),
    ]);
    statuses(104).reply(200, []);
    statuses(103).reply(200, [status("in_progress", "runner other-host is deploying")]);
    statuses(102).reply(200, [status("queued")]);
    statuses(101).reply(200, []);
    statuses(100).reply(200, [status("success")]);
    postStatus(104).reply(201, {});
    postStatus(101).reply(201, {});
    // 102: claim (check run + in_progress), then the final report.
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(102).reply(201, {});
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(102).reply(201, {});
    const { poller: p, pipeline } = poller({ status: "success", reason: "deployed" });

    const summary = await p.pass();

    expect(summary).toMatchObject({ deployed: [102], superseded: [101], rejected: [104] });
    expect(statusBodies(104)).toEqual([{ state: "error", description: "payload is not JSON" }]);
    expect(statusBodies(101)).toEqual([
      { state: "inactive", description: "superseded by deployment #102 of web" },
    ]);
    expect(statusBodies(102).map((b) => b.state)).toEqual(["in_progress", "success"]);
    expect(gh.sent("POST", `${REPO_PATH}/deployments/103/statuses`)).toHaveLength(0);
    expect(pipeline.calls.map((c) => [c.service, c.ref])).toEqual([["web", sha(102)]]);
    expect(pipeline.calls[0]!.fetch?.remote).toBe("https://github.com/acme/stack.git");
    expect(log.records.map((r) => r.msg)).toContain(
      "deployment #103 of api is in progress on another runner",
    );
  });
});

describe("a deployment from claim to report", () => {
  function mockClaimWithExistingComment() {
    statuses(101).reply(200, []);
    gh.github
      .get(`${REPO_PATH}/issues/7/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        { id: 554, body: "unrelated", html_url: "https://github.com/acme/stack/pull/7#issuecomment-554" },
        {
          id: 555,
          body: `${deployCommentMarker(101)}\nqueued`,
          html_url: "https://github.com/acme/stack/pull/7#issuecomment-555",
        },
      ]);
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(101).reply(201, {});
  }

  it("claims with in_progress, updates the marker comment in place, completes the check run with a button, posts success", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web")], { etag: '"e1"' });
    mockClaimWithExistingComment();
    // Two step events (build start, build end) + the final report: three in-place updates each.
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .times(3)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).times(3).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    listDeployments('"e1"').reply(304);
    // Each step waits for its update here, so every one of them reaches GitHub (by default none waits
    // and updates that pile up are coalesced: see the next test).
    const { poller: p } = poller(SUCCESS, ["production"], { progressWaitMs: 60_000 });

    await p.pass();
    const again = await p.pass();

    expect(again.notModified).toEqual(["production"]);
    expect(gh.sent("POST", /\/issues\/7\/comments$/)).toHaveLength(0);
    const comments = gh
      .sent("PATCH", `${REPO_PATH}/issues/comments/555`)
      .map((r) => String(json(r.body).body));
    expect(comments).toHaveLength(4);
    for (const body of comments) expect(body.startsWith(deployCommentMarker(101))).toBe(true);
    expect(comments[0]).toContain("⏳ Deploying `web` to `production`");
    expect(comments[1]).toMatch(/\| build \| ⏳ running \|/);
    expect(comments[3]).toContain("✅ Deployed: `web` to `production`");
    expect(comments[3]).toMatch(/\| build \| ✅ ok \| 4\.2 s \|/);

    const checkCreate = json(gh.sent("POST", `${REPO_PATH}/check-runs`)[0]!.body);
    expect(checkCreate).toMatchObject({
      name: deployCheckName("web"),
      head_sha: sha(101),
      status: "in_progress",
    });
    const checkFinal = json(gh.sent("PATCH", `${REPO_PATH}/check-runs/900`).at(-1)!.body);
    expect(checkFinal).toMatchObject({
      status: "completed",
      conclusion: "success",
      actions: [{ label: "Roll back", identifier: "rollback" }],
    });

    const [claimed, final] = statusBodies(101);
    expect(claimed).toMatchObject({
      state: "in_progress",
      log_url: "https://github.com/acme/stack/pull/7#issuecomment-555",
    });
    expect(String(claimed!.description)).toContain("host-1");
    expect(final).toMatchObject({ state: "success", environment_url: "https://web.example.com" });
    expect(final!.description).toBe(`deployed ${sha(101).slice(0, 12)} in 12.3 s`);

    const [run] = allRuns(stateDir);
    expect(run?.reported).toBe(true);
    expect(readClaim(stateDir, 101)).toMatchObject({
      commentId: 555,
      checkRunId: 900,
      finalStatusPosted: true,
    });
  });

  it("never lets a step wait for GitHub: a held progress update does not stop the deploy, later ones are coalesced", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web")]);
    mockClaimWithExistingComment();
    const journaledResult = () =>
      allRuns(stateDir).some((run) =>
        readEvents(runDir(stateDir, run.runId)).some((e) => e.type === "result"),
      );
    let heldUntilResult = false;
    // The first progress update gets its answer only once the run has ended: the deploy went on without it.
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(async () => {
        const end = Date.now() + 3_000;
        while (!journaledResult() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        heldUntilResult = journaledResult();
        return [200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" }];
      })
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).times(2).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    const { poller: p } = poller(SUCCESS);

    await p.pass();

    expect(heldUntilResult, "the run ended while its first progress update was unanswered").toBe(true);
    const comments = gh
      .sent("PATCH", `${REPO_PATH}/issues/comments/555`)
      .map((r) => String(json(r.body).body));
    // claim, one progress update (the step events behind it were coalesced into the final report), final.
    expect(comments).toHaveLength(3);
    expect(comments[1]).toMatch(/\| build \| ⏳ running \|/);
    expect(comments.at(-1)).toContain("✅ Deployed: `web` to `production`");
    expect(statusBodies(101).map((b) => b.state)).toEqual(["in_progress", "success"]);
  });

  it("reports a rollback: failure status with the rolled-back prefix, evidence in the comment, Retry button, secrets redacted", async () => {
    const secret = "hunter2-super-secret-value";
    const { redactor } = await import("../../../../src/redact/redactor.js");
    redactor.add(secret);
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web")]);
    mockClaimWithExistingComment();
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    const { poller: p } = poller({
      status: "rolled_back",
      reason: "verification failed: http: GET /health -> 500; rolled back to the previous image",
      verify: {
        ok: false,
        phase: "http",
        reason: "GET /health -> 500",
        probes: [
          { at: "2025-01-01T00:00:01Z", kind: "running", ok: true, detail: "running" },
          { at: "2025-01-01T00:00:02Z", kind: "http", ok: false, detail: "GET /health -> 500 | boom" },
        ],
        logsTail: `starting\nconnecting with password ${secret}\nfatal: db down`,
      },
      rollbackVerify: { ok: true, phase: "watch", reason: "healthy for 10 s", probes: [] },
      // The reporter takes the tail from the result, never by scraping the artifact.
      verifyLog: `--- last 50 log lines of stack-web-1 ---\nscraped from verify.log\nverdict: FAILED\n`,
    });

    await p.pass();

    const final = statusBodies(101).at(-1)!;
    expect(final.state).toBe("failure");
    expect(String(final.description).startsWith(ROLLED_BACK_PREFIX)).toBe(true);
    expect(final.environment_url).toBeUndefined();
    const body = String(json(gh.sent("PATCH", `${REPO_PATH}/issues/comments/555`).at(-1)!.body).body);
    expect(body).toContain("↩️ Deploy failed, rolled back");
    expect(body).toContain("GET /health -> 500 \\| boom");
    expect(body).toContain("fatal: db down");
    expect(body).not.toContain("scraped from verify.log");
    expect(body).toContain(
      "the previous version (image `eeeeeeeeeeee`) is running again and verified healthy: healthy for 10 s",
    );
    expect(body).not.toContain("verdict:");
    const check = json(gh.sent("PATCH", `${REPO_PATH}/check-runs/900`).at(-1)!.body);
    expect(check).toMatchObject({
      conclusion: "failure",
      actions: [{ label: "Retry", identifier: "retry" }],
    });
    expect(gh.bodies()).not.toContain(secret);
    expect(gh.bodies()).toContain("connecting with password ***");
  });

  it("posts `error` and says why on the PR when the deploy cannot start", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web")]);
    mockClaimWithExistingComment();
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    const client = testClient();
    const p = createPoller({
      trust: testRunnerTrust(),
      gh: client,
      reporter: createGitHubReporter({ gh: client, stateDir, log, runner: "host-1" }),
      stateDir,
      workspace: "/srv/stack",
      gitRemote: "https://github.com/acme/stack.git",
      loadConfig: testConfig,
      environments: ["production"],
      env: {},
      log,
      runDeploy: async () => {
        throw new Error("lock for web is held by pid 4711 and did not free up within 600 s");
      },
    });

    await p.pass();

    expect(statusBodies(101).at(-1)).toEqual({
      state: "error",
      description: "could not start: lock for web is held by pid 4711 and did not free up within 600 s",
      log_url: "https://github.com/acme/stack/pull/7#issuecomment-555",
    });
    expect(String(json(gh.sent("PATCH", `${REPO_PATH}/issues/comments/555`).at(-1)!.body).body)).toContain(
      "could not start",
    );
    expect(json(gh.sent("PATCH", `${REPO_PATH}/check-runs/900`).at(-1)!.body)).toMatchObject({
      status: "completed",
      conclusion: "failure",
    });
  });
});

describe("GitHub failing during the final report", () => {
  it("keeps the finished run in the journal and reports it exactly once on a later pass", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web", { pr: null })], { etag: '"e1"' });
    statuses(101).reply(200, []);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(101).reply(201, {});
    // Final report, first try: the check run goes through, the status gets a 502.
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(101).reply(502, { message: "Bad Gateway" });
    const { poller: p, pipeline } = poller({ status: "success", reason: "deployed" });

    await expect(p.pass()).rejects.toThrow(/final report for deployment #101 failed/);
    const [run] = allRuns(stateDir);
    expect(run?.result?.status).toBe("success");
    expect(run?.reported).toBe(false);

    // Next pass: the report is retried from the journal (check run updated again in place, status
    // posted), and the list is read again in full because the failed pass did not keep its ETag.
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    // The status was sent before without an answer: the retry reads the newest one first.
    statuses(101).reply(200, [status("in_progress")]);
    postStatus(101).reply(201, {});
    listDeployments().reply(200, [deployment(101, "web", { pr: null })], { etag: '"e2"' });
    statuses(101).reply(200, [status("success")]);
    const second = await p.pass();
    expect(second.reported).toEqual([run!.runId]);

    // And never again.
    listDeployments('"e2"').reply(304);
    const third = await p.pass();
    expect(third.reported).toEqual([]);

    expect(pipeline.calls).toHaveLength(1);
    expect(statusBodies(101).map((b) => b.state)).toEqual(["in_progress", "success", "success"]);
    expect(gh.sent("POST", `${REPO_PATH}/deployments/101/statuses`).length).toBe(3); // one refused by GitHub, one accepted
    const events = readEvents(runDir(stateDir, run!.runId));
    expect(events.filter((e) => e.type === "reported")).toEqual([expect.objectContaining({ via: "github" })]);
    expect(log.records.some((r) => r.level === "warn" && r.msg.includes("will retry"))).toBe(true);
  });

  it("does not post the final status twice when only the comment failed", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web")]);
    statuses(101).reply(200, []);
    gh.github.get(`${REPO_PATH}/issues/7/comments`).query({ per_page: "100" }).reply(200, []);
    gh.github
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, { id: 777, html_url: "https://github.com/acme/stack/pull/7#issuecomment-777" });
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(101).reply(201, {});
    gh.github.patch(`${REPO_PATH}/issues/comments/777`).reply(503, { message: "unavailable" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    const { poller: p } = poller({ status: "success", reason: "deployed" });
    await expect(p.pass()).rejects.toThrow(/final report/);

    gh.github
      .patch(`${REPO_PATH}/issues/comments/777`)
      .reply(200, { id: 777, html_url: "https://github.com/acme/stack/pull/7#issuecomment-777" });
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    listDeployments().reply(200, []);
    await p.pass();

    expect(statusBodies(101).map((b) => b.state)).toEqual(["in_progress", "success"]);
    expect(gh.sent("POST", `${REPO_PATH}/issues/7/comments`)).toHaveLength(1);
    const finalComment = String(json(gh.sent("PATCH", `${REPO_PATH}/issues/comments/777`).at(-1)!.body).body);
    expect(finalComment).toContain("✅ Deployed");
    expect(
      JSON.parse(readFileSync(join(stateDir, "github", "deployments", "101.json"), "utf8")),
    ).toMatchObject({ finalStatusPosted: true, commentId: 777 });
  });
});

describe("a deploy that throws partway in a long-running poller", () => {
  it("finishes the run at once (failed, nothing touched), reports it once, and not again later", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web", { pr: null })], { etag: '"e1"' });
    statuses(101).reply(200, []);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(101).reply(201, {});
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    postStatus(101).reply(201, {});
    listDeployments('"e1"').reply(304);
    const client = testClient();
    const pipeline = throwingPipeline(["prepare"], new Error("ENOSPC: no space left on device, write"));
    const p = createPoller({
      trust: testRunnerTrust(),
      gh: client,
      reporter: createGitHubReporter({ gh: client, stateDir, log, runner: "host-1" }),
      stateDir,
      workspace: mkdtempSync(join(tmpdir(), "runner-ws-")),
      gitRemote: "https://github.com/acme/stack.git",
      loadConfig: testConfig,
      environments: ["production"],
      env: {},
      log,
      runDeploy: pipeline.run,
    });

    const first = await p.pass();
    const second = await p.pass();

    expect(first.deployed).toEqual([101]);
    expect(second.notModified).toEqual(["production"]);
    const [run] = allRuns(stateDir);
    expect(run?.runId).toBe(pipeline.runIds[0]);
    expect(run?.result?.status).toBe("failed");
    expect(run?.result?.reason).toBe(
      "the deploy stopped with an error during 'prepare': ENOSPC: no space left on device, write; the running container was not touched",
    );
    expect(run?.result?.reconciled).toBe(false);
    expect(run?.reported).toBe(true);
    const events = readEvents(runDir(stateDir, run!.runId));
    expect(events.filter((e) => e.type === "result")).toHaveLength(1);
    expect(events.filter((e) => e.type === "reported")).toEqual([expect.objectContaining({ via: "github" })]);
    // GitHub hears it once: in_progress at the claim, then one failure.
    expect(statusBodies(101).map((b) => b.state)).toEqual(["in_progress", "failure"]);
    expect(String(statusBodies(101)[1]!.description)).toContain(
      "the deploy stopped with an error during 'prepare'",
    );
    expect(json(gh.sent("PATCH", `${REPO_PATH}/check-runs/900`).at(-1)!.body)).toMatchObject({
      status: "completed",
      conclusion: "failure",
    });
    expect(log.records.map((r) => r.msg)).toEqual(
      expect.arrayContaining(["the deploy stopped with an error", "finished the interrupted run"]),
    );
  });

  it("when the run cannot be finished either, rethrows and lets the next pass reconcile it", async () => {
    mockAuth(gh);
    listDeployments().reply(200, [deployment(101, "web", { pr: null })]);
    statuses(101).reply(200, []);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    postStatus(101).reply(201, {});
    listDeployments().reply(200, []);
    const client = testClient();
    const reconciled: string[] = [];
    const pipeline = throwingPipeline(["prepare", "checkout", "build", "up"], new Error("boom"));
    const p = createPoller({
      trust: testRunnerTrust(),
      gh: client,
      reporter: createGitHubReporter({ gh: client, stateDir, log, runner: "host-1" }),
      stateDir,
      workspace: "/srv/stack",
      gitRemote: "https://github.com/acme/stack.git",
      loadConfig: testConfig,
      environments: ["production"],
      env: {},
      log,
      runDeploy: pipeline.run,
      recoverRun: async () => {
        throw new Error("docker unreachable");
      },
      reconcile: async (opts) => {
        reconciled.push(opts.stateDir);
        return [];
      },
    });

    await expect(p.pass()).rejects.toThrow("boom");
    await p.pass();

    // Once at the first pass, once more after the failure.
    expect(reconciled).toEqual([stateDir, stateDir]);
    expect(log.records.map((r) => r.msg)).toContain(
      "could not finish the interrupted run; the next pass reconciles it",
    );
  });
});
