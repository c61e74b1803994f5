/**
 * The runner closing the loop: a GitHub deploy whose new container crashed during verification sends
 * `orchestrator.runtime_failure` back to the repository, once, with the redacted log tail.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { allRuns } from "../../../../runner/journal/history.js";
import type { ProbeSummary } from "../../../../runner/journal/events.js";
import { readClaim } from "../../../../runner/github/poll/claims.js";
import { createGitHubReporter } from "../../../../runner/github/report/github-reporter.js";
import { createPoller } from "../../../../runner/github/poll/poller.js";
import { MAX_CLIENT_PAYLOAD_BYTES } from "../../../../contract/runtime-failure.js";
import { redactor } from "../../../../src/redact/redactor.js";
import { useGitHubHarness } from "../../../helpers/github.js";
import {
  captureLog,
  deployment,
  fakePipeline,
  json,
  mockAuth,
  REPO_PATH,
  status,
  tempStateDir,
  testClient,
  testConfig,
  testRunnerTrust,
  type CapturedLog,
  type FakeOutcome,
} from "../fixtures.js";
import { container, verified } from "../verified.js";

const gh = useGitHubHarness();

let stateDir: string;
let log: CapturedLog;

beforeEach(() => {
  stateDir = tempStateDir();
  log = captureLog();
});

// A token shape the redactor masks by pattern, planted in the raw log the way a crashing app prints it.
const TOKEN = `ghs_${"Zx9Qw8Er7Ty6".repeat(3)}`;
const FATAL = "ModuleNotFoundError: No module named 'yaml'";

/** A big log (well over GitHub's 64 KB payload cap) whose last line names the missing module. */
function crashLog(): string {
  const noise = Array.from({ length: 40 }, (_, n) => `${n} worker boot token=${TOKEN} ${"x".repeat(3_000)}`);
  return [...noise, "Traceback (most recent call last):", `  File "/app/main.py", line 1`, FATAL].join("\n");
}

async function crashLoop(): Promise<FakeOutcome> {
  const verify = await verified({
    find: [container()],
    inspect: [container({ restartCount: 3, exitCode: 1 })],
    logs: "unused",
  });
  // The tail as an older journal may hold it: not yet redacted. The dispatch must redact it itself.
  const raw: ProbeSummary = { ...verify, logsTail: crashLog() };
  return {
    status: "rolled_back",
    reason: `verification failed: watch: ${verify.reason}`,
    verify: raw,
    rollbackVerify: { ok: true, phase: "done", reason: "healthy", probes: [] },
  };
}

async function healthOnly(): Promise<FakeOutcome> {
  const verify = await verified({
    find: [container({ health: "unhealthy", healthOutput: "curl: (7) connection refused" })],
    logs: `serving on :8000\n${FATAL}`,
  });
  return {
    status: "rolled_back",
    reason: `verification failed: start: ${verify.reason}`,
    verify,
    rollbackVerify: { ok: true, phase: "done", reason: "healthy", probes: [] },
  };
}

function poller(outcome: FakeOutcome, options: { dispatch?: boolean; reconcile?: boolean } = {}) {
  const client = testClient();
  const pipeline = fakePipeline(outcome);
  const reporter = createGitHubReporter({
    gh: client,
    stateDir,
    log,
    runner: "host-1",
    ...(options.dispatch === undefined ? {} : { dispatchRuntimeFailures: options.dispatch }),
  });
  return createPoller({
    trust: testRunnerTrust(),
    gh: client,
    reporter,
    stateDir,
    workspace: "/srv/stack",
    gitRemote: "https://github.com/acme/stack.git",
    loadConfig: testConfig,
    environments: ["production"],
    env: {},
    log,
    runDeploy: pipeline.run,
    // Tests that do not restart need no reconcile (it would look for Docker only for unfinished runs).
    ...(options.reconcile ? {} : { reconcile: async () => [] }),
  });
}

const listDeployments = () =>
  gh.github.get(`${REPO_PATH}/deployments`).query({ environment: "production", per_page: "50" });
const postStatus = () => gh.github.post(`${REPO_PATH}/deployments/101/statuses`);
const statusStates = () =>
  gh.sent("POST", `${REPO_PATH}/deployments/101/statuses`).map((r) => json(r.body).state);
const dispatches = () => gh.sent("POST", `${REPO_PATH}/dispatches`);

/** A deployment of web without a PR: claim (check run + in_progress), then the final check run update. */
function mockDeploy() {
  listDeployments().reply(200, [deployment(101, "web", { pr: null })]);
  gh.github.get(`${REPO_PATH}/deployments/101/statuses`).query({ per_page: "1" }).reply(200, []);
  gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
  postStatus().reply(201, {});
  gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
}

describe("a deploy whose new container crash-looped", () => {
  it("sends one orchestrator.runtime_failure with the redacted log tail, within the size cap", async () => {
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});
    gh.github.post(`${REPO_PATH}/dispatches`).reply(204);
    listDeployments().reply(200, [deployment(101, "web", { pr: null })]);
    gh.github
      .get(`${REPO_PATH}/deployments/101/statuses`)
      .query({ per_page: "1" })
      .reply(200, [status("failure")]);
    const p = poller(await crashLoop());

    await p.pass();
    await p.pass();

    expect(dispatches()).toHaveLength(1);
    const body = dispatches()[0]!.body;
    expect(Buffer.byteLength(body)).toBeLessThan(64 * 1024);
    const sent = json(body);
    expect(sent.event_type).toBe("orchestrator.runtime_failure");
    const payload = sent.client_payload as { service: string; log: string };
    expect(Object.keys(payload).sort()).toEqual(["log", "service"]);
    expect(payload.service).toBe("web");
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_CLIENT_PAYLOAD_BYTES);
    // The newest lines survive the cut (the diagnosis needs the last fatal error), the oldest do not.
    expect(payload.log.endsWith(FATAL)).toBe(true);
    const lines = payload.log.split("\n");
    expect(lines[0]).toMatch(/earlier log lines cut/);
    expect(lines[1]).toMatch(/^\d+ worker boot token=\*\*\* x+$/);
    expect(lines).not.toContain(expect.stringMatching(/^0 worker boot/));
    expect(payload.log).toContain("token=***");
    expect(gh.bodies()).not.toContain(TOKEN);

    // The deploy's own report is whole: failure status, and the dispatch recorded in the claim.
    expect(statusStates()).toEqual(["in_progress", "failure"]);
    expect(readClaim(stateDir, 101)).toMatchObject({
      finalStatusPosted: true,
      runtimeFailureDispatchedAt: expect.any(String),
    });
    expect(log.records).toContainEqual(
      expect.objectContaining({
        level: "info",
        kind: "crash-loop",
        msg: expect.stringMatching(
          /^sent orchestrator\.runtime_failure for web: crash-loop: restarted 3 time/,
        ),
      }),
    );
  });

  it("masks a secret registered after the run was journaled", async () => {
    const late = "late-registered-db-password-77f1";
    const outcome = await crashLoop();
    outcome.verify = { ...outcome.verify!, logsTail: `connecting with ${late}\n${FATAL}` };
    redactor.add(late);
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});
    gh.github.post(`${REPO_PATH}/dispatches`).reply(204);

    await poller(outcome).pass();

    expect((json(dispatches()[0]!.body).client_payload as { log: string }).log).toBe(
      `connecting with ***\n${FATAL}`,
    );
    expect(gh.bodies()).not.toContain(late);
  });
});

describe("no dispatch", () => {
  it("for a health-only failure: the container kept running", async () => {
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});

    await poller(await healthOnly()).pass();

    expect(dispatches()).toHaveLength(0);
    expect(statusStates()).toEqual(["in_progress", "failure"]);
    expect(readClaim(stateDir, 101)?.runtimeFailureDispatchedAt).toBeUndefined();
    expect(log.records).toContainEqual(
      expect.objectContaining({ reason: "not a runtime crash of the new version" }),
    );
  });

  it("for a build failure: no verification ran, the CI log covers it", async () => {
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});

    await poller({ status: "failed", reason: "build failed; the running container was not touched." }).pass();

    expect(dispatches()).toHaveLength(0);
    expect(statusStates()).toEqual(["in_progress", "failure"]);
  });

  it("when RUNNER_DISPATCH_RUNTIME_FAILURES is off", async () => {
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});

    await poller(await crashLoop(), { dispatch: false }).pass();

    expect(dispatches()).toHaveLength(0);
    expect(statusStates()).toEqual(["in_progress", "failure"]);
    expect(log.records).toContainEqual(
      expect.objectContaining({ reason: "RUNNER_DISPATCH_RUNTIME_FAILURES is off" }),
    );
  });
});

describe("exactly once", () => {
  it("a restarted runner that finishes the report does not send the dispatch again", async () => {
    mockAuth(gh);
    mockDeploy();
    // The dispatch goes out, but the final status does not: the run stays unreported.
    postStatus().reply(502, { message: "Bad Gateway" });
    gh.github.post(`${REPO_PATH}/dispatches`).reply(204);
    await expect(poller(await crashLoop()).pass()).rejects.toThrow(/final report for deployment #101/);
    expect(allRuns(stateDir)[0]?.reported).toBe(false);
    expect(dispatches()).toHaveLength(1);

    // A new runner process (fresh client, reporter and poller; same state dir) reconciles and reports it.
    mockAuth(gh);
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    // The final status was sent before without an answer: the newest status is read first.
    gh.github
      .get(`${REPO_PATH}/deployments/101/statuses`)
      .query({ per_page: "1" })
      .reply(200, [status("in_progress")]);
    postStatus().reply(201, {});
    listDeployments().reply(200, [deployment(101, "web", { pr: null })]);
    gh.github
      .get(`${REPO_PATH}/deployments/101/statuses`)
      .query({ per_page: "1" })
      .reply(200, [status("failure")]);
    const summary = await poller(await crashLoop(), { reconcile: true }).pass();

    expect(summary.reported).toEqual([allRuns(stateDir)[0]!.runId]);
    expect(allRuns(stateDir)[0]?.reported).toBe(true);
    expect(dispatches()).toHaveLength(1);
    expect(statusStates()).toEqual(["in_progress", "failure", "failure"]);
  });
});

describe("the dispatch API failing", () => {
  it.each([
    [404, "Not Found"],
    [502, "Bad Gateway"],
  ])("answers %i: logged, and the deploy's own report goes through", async (code, message) => {
    mockAuth(gh);
    mockDeploy();
    postStatus().reply(201, {});
    gh.github.post(`${REPO_PATH}/dispatches`).reply(code, { message });

    const summary = await poller(await crashLoop()).pass();

    expect(summary.deployed).toEqual([101]);
    expect(dispatches()).toHaveLength(1);
    expect(statusStates()).toEqual(["in_progress", "failure"]);
    const [run] = allRuns(stateDir);
    expect(run?.reported).toBe(true);
    expect(readClaim(stateDir, 101)).toMatchObject({ finalStatusPosted: true });
    expect(readClaim(stateDir, 101)?.runtimeFailureDispatchedAt).toBeUndefined();
    const logged = log.records.find((r) => r.msg.startsWith("could not send orchestrator.runtime_failure"));
    expect(logged).toMatchObject({
      level: "error",
      deploymentId: 101,
      err: expect.stringContaining(message),
    });
  });
});
