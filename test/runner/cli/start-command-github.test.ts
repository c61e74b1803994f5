import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { deployCheckName } from "../../../contract/checks.js";
import { deployCommentMarker } from "../../../contract/markers.js";
import type { DeployResult } from "../../../runner/journal/events.js";
import { allRuns } from "../../../runner/journal/history.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import { main } from "../../../runner/cli/main.js";
import { startCommand } from "../../../runner/cli/start-command.js";
import { TEST_APP_ID, testPrivateKey, useGitHubHarness } from "../../helpers/github.js";
import {
  CONFIG_YAML,
  deployment,
  fakePipeline,
  json,
  mockAuth,
  REPO_PATH,
  sha,
  status,
  tempStateDir,
  testClient,
} from "../github/fixtures.js";
import { createGitOrigin, type GitOrigin } from "../git-origin.js";
import { container, verified } from "../github/verified.js";

const gh = useGitHubHarness();

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => void chunks.push(String(text)), text: () => chunks.join("") };
}

let workspace: string;
let stateDir: string;
let env: NodeJS.ProcessEnv;

let repo: GitOrigin;

beforeEach(() => {
  // The workspace is a clone: the runner reads the config from origin's default branch.
  repo = createGitOrigin({ ".github/orchestrator.yml": CONFIG_YAML });
  workspace = repo.workspace;
  stateDir = tempStateDir();
  env = {
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    RUNNER_REPO: "acme/stack",
    RUNNER_WORKSPACE: workspace,
    RUNNER_STATE_DIR: stateDir,
    RUNNER_ENVIRONMENT: "production",
    RUNNER_POLL_INTERVAL: "1s",
  };
});

describe("orchestrator-runner start: configuration", () => {
  const missing: Array<[string, RegExp]> = [
    ["APP_ID", /orchestrator-runner start: APP_ID is not set/],
    ["PRIVATE_KEY", /orchestrator-runner start: neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set/],
    [
      "RUNNER_REPO",
      /orchestrator-runner start: RUNNER_REPO is not set: set it to the repository the runner deploys, as owner\/name/,
    ],
  ];
  for (const [name, message] of missing) {
    it(`exits 2 naming ${name} when it is missing`, async () => {
      const out = sink();
      const err = sink();
      const code = await main(["start"], { stdout: out, stderr: err }, { ...env, [name]: "" });
      expect(code).toBe(2);
      expect(err.text()).toMatch(message);
      expect(gh.requests).toHaveLength(0);
    });
  }

  it("exits 2 naming RUNNER_DISPATCH_RUNTIME_FAILURES when it is not an on/off value", async () => {
    const err = sink();
    const code = await main(
      ["start"],
      { stdout: sink(), stderr: err },
      { ...env, RUNNER_DISPATCH_RUNTIME_FAILURES: "maybe" },
    );
    expect(code).toBe(2);
    expect(err.text()).toMatch(/RUNNER_DISPATCH_RUNTIME_FAILURES must be one of 1, 0, true, false/);
    expect(gh.requests).toHaveLength(0);
  });

  it("exits 2 when the workspace is not a checkout, or its default branch has no config", async () => {
    const err = sink();
    const code = await main(["start", "--workspace", stateDir], { stdout: sink(), stderr: err }, env);
    expect(code).toBe(2);
    expect(err.text()).toContain(`workspace ${stateDir} is not a git checkout`);

    // A config that exists only in the checkout does not count.
    const bare = createGitOrigin({ "README.md": "hi\n" });
    mkdirSync(join(bare.workspace, ".github"));
    writeFileSync(join(bare.workspace, ".github/orchestrator.yml"), CONFIG_YAML);
    const err2 = sink();
    const code2 = await main(["start", "--workspace", bare.workspace], { stdout: sink(), stderr: err2 }, env);
    expect(code2).toBe(2);
    expect(err2.text()).toMatch(/no \.github\/orchestrator\.yml on origin\/main \(the default branch/);
  });

  it("exits 1 with the reason when the App is not installed", async () => {
    gh.github.get(`${REPO_PATH}/installation`).reply(404, { message: "Not Found" });
    const err = sink();
    const code = await startCommand(["--once"], { stdout: sink(), stderr: err }, env, {
      createClient: () => testClient(),
    });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/the GitHub App is not installed on acme\/stack/);
  });
});

describe("orchestrator-runner start: running", () => {
  it("reconciles first: a result a killed runner never reported goes out once, to the existing marker comment", async () => {
    // A run some earlier runner finished but could not report (it died first).
    const runId = "20250101T000000000Z-web-abcdef";
    const dir = createRunDir(stateDir, runId);
    const meta = {
      github: { deploymentId: 101, environment: "production", sha: sha(101), pr: 7, environmentUrl: null },
    };
    appendEvent(dir, {
      type: "run-start",
      at: "2025-01-01T00:00:00Z",
      runId,
      service: "web",
      composeService: "web",
      ref: sha(101),
      workspace,
      project: "stack",
      composeFiles: [],
      flavor: "v2",
      healthUrl: null,
      timeoutMs: 1000,
      watchMs: 1000,
      pid: 999_999,
      hostname: "old-host",
      meta,
    });
    const result: DeployResult = {
      runId,
      service: "web",
      ref: sha(101),
      targetSha: sha(101),
      previousSha: sha(1),
      status: "success",
      reason: "deployed",
      steps: [],
      rollbackPoint: null,
      verify: null,
      rollbackVerify: null,
      workspaceSha: sha(101),
      artifactsDir: dir,
      startedAt: "2025-01-01T00:00:00Z",
      finishedAt: "2025-01-01T00:00:09Z",
      durationMs: 9000,
      reconciled: false,
      meta,
    };
    appendEvent(dir, { type: "result", at: "2025-01-01T00:00:09Z", result });

    mockAuth(gh);
    gh.github
      .get(`${REPO_PATH}/issues/7/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        {
          id: 555,
          body: `${deployCommentMarker(101)} queued`,
          html_url: "https://github.com/acme/stack/pull/7#issuecomment-555",
        },
      ]);
    gh.github
      .patch(`${REPO_PATH}/issues/comments/555`)
      .reply(200, { id: 555, html_url: "https://github.com/acme/stack/pull/7#issuecomment-555" });
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    gh.github.post(`${REPO_PATH}/deployments/101/statuses`).reply(201, {});
    gh.github
      .get(`${REPO_PATH}/deployments`)
      .query(true)
      .reply(200, [deployment(101, "web")]);
    gh.github
      .get(`${REPO_PATH}/deployments/101/statuses`)
      .query(true)
      .reply(200, [status("success")]);
    const out = sink();

    const code = await startCommand(["--once"], { stdout: out, stderr: sink() }, env, {
      createClient: () => testClient(),
    });

    expect(code).toBe(0);
    expect(json(gh.sent("POST", `${REPO_PATH}/check-runs`)[0]!.body)).toMatchObject({
      name: deployCheckName("web"),
      status: "completed",
      conclusion: "success",
    });
    expect(json(gh.sent("POST", `${REPO_PATH}/deployments/101/statuses`)[0]!.body)).toMatchObject({
      state: "success",
    });
    expect(gh.sent("POST", /\/issues\/7\/comments$/)).toHaveLength(0);
    expect(allRuns(stateDir)[0]?.reported).toBe(true);
    const lines = out
      .text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { msg: string; name: string });
    expect(lines.every((l) => l.name === "orchestrator-runner")).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        "runner started",
        "reconciled a run left by a previous runner",
        "single pass done",
      ]),
    );
    expect(out.text()).not.toContain("PRIVATE KEY");
  });

  it("on stop, finishes the deploy it is running and starts nothing else", async () => {
    // The health monitor would ask Docker, which this nock-only harness does not have.
    repo.pushMain({ ".github/orchestrator.yml": `${CONFIG_YAML}monitor:\n  enabled: false\n` });
    repo.git(workspace, "fetch", "-q", "origin");
    mockAuth(gh);
    gh.github
      .get(`${REPO_PATH}/deployments`)
      .query(true)
      .reply(200, [deployment(102, "web", { pr: null }), deployment(101, "api", { pr: null })]);
    gh.github.get(`${REPO_PATH}/deployments/102/statuses`).query(true).reply(200, []);
    gh.github.get(`${REPO_PATH}/deployments/101/statuses`).query(true).reply(200, []);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    gh.github.post(`${REPO_PATH}/deployments/101/statuses`).times(2).reply(201, {});
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    const controller = new AbortController();
    const pipeline = fakePipeline({ status: "success", reason: "deployed" });
    const out = sink();

    const code = await startCommand([], { stdout: out, stderr: sink() }, env, {
      createClient: () => testClient(),
      signal: controller.signal,
      runDeploy: async (request, deps) => {
        controller.abort(); // SIGTERM arrives mid-deploy
        return pipeline.run(request, deps);
      },
    });

    expect(code).toBe(0);
    expect(pipeline.calls.map((c) => c.service)).toEqual(["api"]); // the older one; web was never started
    expect(allRuns(stateDir).map((r) => [r.start?.service, r.reported])).toEqual([["api", true]]);
    expect(gh.sent("POST", `${REPO_PATH}/deployments/102/statuses`)).toHaveLength(0);
    expect(gh.sent("GET", `${REPO_PATH}/deployments`)).toHaveLength(1);
    expect(out.text()).toContain("runner stopped");
  });

  it("reads the config from origin's default branch, fetched on every pass, not from the checkout", async () => {
    // The checkout is on a branch whose config would send the runner to a `qa` environment...
    repo.git(workspace, "checkout", "-q", "-b", "loosen");
    writeFileSync(
      join(workspace, ".github/orchestrator.yml"),
      "services:\n  web:\n    path: services/web\n    environment: qa\n",
    );
    repo.git(workspace, "commit", "-q", "-am", "loosen");
    // ...while main, upstream, has moved worker to `canary` since the clone.
    repo.pushMain({
      ".github/orchestrator.yml": CONFIG_YAML.replace("environment: staging", "environment: canary"),
    });
    mockAuth(gh);
    for (const environment of ["production", "canary"])
      gh.github.get(`${REPO_PATH}/deployments`).query({ environment, per_page: "50" }).reply(200, []);
    const everyEnvironment = { ...env };
    delete everyEnvironment.RUNNER_ENVIRONMENT;

    const code = await startCommand(["--once"], { stdout: sink(), stderr: sink() }, everyEnvironment, {
      createClient: () => testClient(),
    });

    expect(code).toBe(0);
    expect(
      gh
        .sent("GET", `${REPO_PATH}/deployments`)
        .map((r) => new URL(r.path, "https://x").searchParams.get("environment")),
    ).toEqual(["production", "canary"]);
    expect(repo.git(workspace, "rev-parse", "--abbrev-ref", "HEAD")).toBe("loosen");
  });
});

describe("orchestrator-runner start: RUNNER_DISPATCH_RUNTIME_FAILURES", () => {
  it.each([
    [undefined, 1],
    ["off", 0],
  ])("set to %s, a crash-looping deploy sends %i runtime failure(s)", async (value, expected) => {
    mockAuth(gh);
    gh.github
      .get(`${REPO_PATH}/deployments`)
      .query(true)
      .reply(200, [deployment(101, "web", { pr: null })]);
    gh.github.get(`${REPO_PATH}/deployments/101/statuses`).query(true).reply(200, []);
    gh.github.post(`${REPO_PATH}/check-runs`).reply(201, { id: 900 });
    gh.github.post(`${REPO_PATH}/deployments/101/statuses`).times(2).reply(201, {});
    gh.github.patch(`${REPO_PATH}/check-runs/900`).reply(200, { id: 900 });
    if (expected > 0) gh.github.post(`${REPO_PATH}/dispatches`).reply(204);
    const verify = await verified({
      find: [container({ status: "exited", running: false, exitCode: 1, restartPolicy: "no" })],
      logs: "ModuleNotFoundError: No module named 'yaml'",
    });
    const pipeline = fakePipeline({ status: "failed", reason: "verification failed", verify });

    const code = await startCommand(
      ["--once"],
      { stdout: sink(), stderr: sink() },
      { ...env, ...(value ? { RUNNER_DISPATCH_RUNTIME_FAILURES: value } : {}) },
      { createClient: () => testClient(), runDeploy: pipeline.run },
    );

    expect(code).toBe(0);
    expect(gh.sent("POST", `${REPO_PATH}/dispatches`)).toHaveLength(expected);
    expect(allRuns(stateDir)[0]?.reported).toBe(true);
  });
});
