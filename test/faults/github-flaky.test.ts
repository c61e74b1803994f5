/**
 * GitHub answering 502 and 429 to every reporting call for a while (after the runner claimed the
 * deployment): the deploy goes on, the report fails, the poll loop retries with backoff, and once GitHub
 * recovers the report arrives exactly once: one comment, one final deployment status, one check run.
 */
import { expect, it } from "vitest";
import { startCommand } from "../../runner/cli/start-command.js";
import { createInstallationClient } from "../../runner/github/installation-client.js";
import { allRuns } from "../../runner/journal/history.js";
import { deployCheckName } from "../../contract/checks.js";
import { deployCommentMarker } from "../../contract/markers.js";
import { describeDocker } from "../helpers/docker.js";
import { TEST_APP_ID, TEST_OWNER, TEST_REPO, testPrivateKey, useGitHubHarness } from "../helpers/github.js";
import { createFakeGitHub } from "../e2e/fake-github.js";
import { APPROVER, ENVIRONMENT, failingCiRun, mockPyPI, useLoopWorld } from "../e2e/loop-world.js";
import { pullClosed, reviewSubmitted, workflowRunFailed } from "../e2e/webhooks.js";
import { installFlakyReporting } from "./flaky-github.js";
import { loseAnswers } from "./lost-answers.js";

const gh = useGitHubHarness();

async function waitFor(what: string, deadlineMs: number, check: () => boolean): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() >= end) throw new Error(`${what} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeDocker("GitHub answering 502 and 429 to every reporting call for a while", () => {
  const world = useLoopWorld(gh, "flakygh");

  it("the report arrives exactly once when GitHub recovers; no comment, status or check run is duplicated", async () => {
    const { stack, origin, baseSha } = world();
    const flaky = installFlakyReporting(gh.github);
    const fake = createFakeGitHub(gh, origin);
    mockPyPI(gh);

    // A deployment, the way the app queues one: CI fails, fix PR, approval, merge.
    const run = failingCiRun(baseSha);
    fake.addRun(run);
    await gh.receive("workflow_run", workflowRunFailed(run));
    const pr = fake.pulls[0]!;
    const review = fake.review(pr.number, APPROVER, "APPROVED");
    await gh.receive("pull_request_review", reviewSubmitted(fake, review));
    const merge = fake.merge(pr.number, APPROVER);
    await gh.receive("pull_request", pullClosed(fake, pr.number));
    expect(fake.deployments).toHaveLength(1);
    const deployment = fake.deployments[0]!;
    const statesOf = () => fake.statuses.filter((s) => s.deployment === deployment.id).map((s) => s.state);
    const marked = () => fake.comments.filter((c) => c.body.includes(deployCommentMarker(deployment.id)));
    expect(marked()).toHaveLength(1); // the app's "queued" comment, which the runner updates in place

    const out: string[] = [];
    const lines = () =>
      out
        .join("")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { msg: string });
    const controller = new AbortController();
    const env: NodeJS.ProcessEnv = {
      ...stack.env,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      RUNNER_REPO: `${TEST_OWNER}/${TEST_REPO}`,
      RUNNER_ENVIRONMENT: ENVIRONMENT,
      RUNNER_POLL_INTERVAL: "1s",
      LOG_LEVEL: "debug",
    };
    const running = startCommand(
      [],
      {
        stdout: { write: (t: string) => out.push(String(t)) },
        stderr: { write: (t: string) => out.push(String(t)) },
      },
      env,
      {
        signal: controller.signal,
        // As in the other loop tests, Octokit's own retries are off: the runner's retry is what is tested.
        createClient: (e) =>
          createInstallationClient({
            appId: e.appId,
            privateKey: e.privateKey,
            owner: e.owner,
            repo: e.repo,
            baseUrl: e.baseUrl,
            octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
          }),
      },
    );
    try {
      // GitHub starts failing once the runner has claimed the deployment ...
      await waitFor("the runner did not claim the deployment", 60_000, () =>
        statesOf().includes("in_progress"),
      );
      flaky.arm();
      // ... and recovers after the final report failed on two poll passes.
      await waitFor(
        "the report did not fail twice",
        120_000,
        () => lines().filter((l) => l.msg === "poll pass failed; retrying with backoff").length >= 2,
      );
      expect(statesOf()).toEqual(["in_progress"]);
      flaky.disarm();
      await waitFor("the report did not arrive", 60_000, () => statesOf().length > 1);
      // One more pass after the report: nothing is sent again.
      const reportedAt = lines().length;
      await waitFor("no further poll pass", 30_000, () =>
        lines()
          .slice(reportedAt)
          .some((l) => l.msg === "nothing to do"),
      );
    } finally {
      controller.abort();
    }
    expect(await running).toBe(0);

    const statuses = new Set(flaky.injected.map((f) => f.status));
    expect(statuses).toEqual(new Set([502, 429]));
    const failedRoutes = new Set(flaky.injected.map((f) => f.path.split("?")[0]!.replace(/\d+/g, ":id")));
    expect([...failedRoutes].sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/deployments\/:id\/statuses$/),
        expect.stringMatching(/\/check-runs\/:id$/),
        expect.stringMatching(/\/issues\/comments\/:id$/),
      ]),
    );

    expect(statesOf()).toEqual(["in_progress", "success"]);
    expect(marked()).toHaveLength(1);
    expect(fake.comments).toHaveLength(1);
    expect(marked()[0]!.body).toContain(`✅ Deployed: \`web\` to \`${ENVIRONMENT}\``);
    const checks = fake.checkRuns.filter((c) => c.name === deployCheckName("web") && c.head_sha === merge);
    expect(checks).toMatchObject([{ status: "completed", conclusion: "success" }]);
    const runs = allRuns(stack.stateDir);
    expect(runs.map((r) => [r.status, r.reported])).toEqual([["success", true]]);
    expect(await stack.get("/requirements.txt")).toContain("PyYAML");
    expect(fake.problems).toEqual([]);
  }, 300_000);
});

interface LostAnswerRun {
  fake: ReturnType<typeof createFakeGitHub>;
  deploymentId: number;
  sha: string;
  lost: readonly string[];
  output: string;
  failedPasses: number;
}

/**
 * The whole loop up to a merged fix, then `start` with a client whose answers to `matches` requests
 * are lost (GitHub stored them) once `armWhen` holds, until the run is reported and a pass finds
 * nothing left to do.
 */
async function runLosingAnswers(
  world: ReturnType<typeof useLoopWorld>,
  matches: Parameters<typeof loseAnswers>[1],
  armWhen: (states: string[]) => boolean,
): Promise<LostAnswerRun> {
  const { stack, origin, baseSha } = world();
  const fake = createFakeGitHub(gh, origin);
  mockPyPI(gh);
  const run = failingCiRun(baseSha);
  fake.addRun(run);
  await gh.receive("workflow_run", workflowRunFailed(run));
  const pr = fake.pulls[0]!;
  const review = fake.review(pr.number, APPROVER, "APPROVED");
  await gh.receive("pull_request_review", reviewSubmitted(fake, review));
  fake.merge(pr.number, APPROVER);
  await gh.receive("pull_request", pullClosed(fake, pr.number));
  const deployment = fake.deployments[0]!;
  const statesOf = () => fake.statuses.filter((s) => s.deployment === deployment.id).map((s) => s.state);

  let lossy: ReturnType<typeof loseAnswers> | null = null;
  const out: string[] = [];
  const controller = new AbortController();
  const running = startCommand(
    [],
    {
      stdout: { write: (t: string) => out.push(String(t)) },
      stderr: { write: (t: string) => out.push(String(t)) },
    },
    {
      ...stack.env,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      RUNNER_REPO: `${TEST_OWNER}/${TEST_REPO}`,
      RUNNER_ENVIRONMENT: ENVIRONMENT,
      RUNNER_POLL_INTERVAL: "1s",
      LOG_LEVEL: "debug",
    },
    {
      signal: controller.signal,
      createClient: (e) => {
        lossy = loseAnswers(
          createInstallationClient({
            appId: e.appId,
            privateKey: e.privateKey,
            owner: e.owner,
            repo: e.repo,
            baseUrl: e.baseUrl,
            octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
          }),
          matches,
        );
        if (armWhen([])) lossy.arm();
        return lossy.client;
      },
    },
  );
  try {
    if (!armWhen([])) {
      await waitFor("the runner did not claim the deployment", 60_000, () => armWhen(statesOf()));
      lossy!.arm();
    }
    await waitFor("the run was not reported", 120_000, () => allRuns(stack.stateDir).some((r) => r.reported));
    const at = out.join("").length;
    await waitFor("no further poll pass", 30_000, () =>
      out.join("").slice(at).includes('"msg":"nothing to do"'),
    );
  } finally {
    controller.abort();
  }
  expect(await running).toBe(0);
  const output = out.join("");
  return {
    fake,
    deploymentId: deployment.id,
    sha: deployment.sha,
    lost: lossy!.lost,
    output,
    failedPasses: output.split("poll pass failed; retrying with backoff").length - 1,
  };
}

describeDocker("GitHub storing the final deployment status but its answer getting lost (502)", () => {
  const world = useLoopWorld(gh, "lostgh");

  it("the retried report does not post the final status again", async () => {
    const lost = await runLosingAnswers(
      world,
      // The final status only (not the claim's in_progress), so the retry path is the report's.
      (method, url, params) =>
        method === "POST" &&
        url.endsWith("/deployments/{deployment_id}/statuses") &&
        params.state !== "in_progress",
      // Every final status from the claim on is stored by GitHub, and its answer lost.
      (states) => states.includes("in_progress"),
    );
    const { fake, deploymentId } = lost;
    // Lost once (that pass failed); the retry found it stored and did not post it again.
    expect(lost.lost).toHaveLength(1);
    expect(lost.failedPasses).toBe(1);
    expect(lost.output).toContain(
      `deployment #${deploymentId} already shows success (an earlier answer was lost); not posting it again`,
    );
    // GitHub stored the final status on the first try; the retries found it there instead of adding more.
    expect(fake.statuses.filter((s) => s.deployment === deploymentId).map((s) => s.state)).toEqual([
      "in_progress",
      "success",
    ]);
    expect(fake.comments).toHaveLength(1);
    expect(fake.problems).toEqual([]);
  }, 300_000);
});

describeDocker("GitHub storing the deploy check run but the answer to its create getting lost (502)", () => {
  const world = useLoopWorld(gh, "lostcheck");

  it("the retry finds the stored check run (name, SHA, external id) and updates it: one check run", async () => {
    let creates = 0;
    const lost = await runLosingAnswers(
      world,
      // The runner's first check-run create only: GitHub stores it, the runner never hears back.
      (method, url) => method === "POST" && url.endsWith("/check-runs") && ++creates === 1,
      () => true,
    );
    const { fake, deploymentId, sha } = lost;
    expect(lost.lost).toEqual(["POST /repos/{owner}/{repo}/check-runs"]);
    expect(lost.failedPasses).toBeGreaterThanOrEqual(1);
    const checks = fake.checkRuns.filter((c) => c.name === deployCheckName("web") && c.head_sha === sha);
    expect(checks.map((c) => [c.status, c.conclusion, c.external_id])).toEqual([
      ["completed", "success", String(deploymentId)],
    ]);
    // Only the one lost create went out: every later report updated the stored check run.
    expect(creates).toBe(1);
    expect(fake.statuses.filter((s) => s.deployment === deploymentId).map((s) => s.state)).toEqual([
      "in_progress",
      "success",
    ]);
    expect(fake.comments.filter((c) => c.body.includes(deployCommentMarker(deploymentId)))).toHaveLength(1);
    expect(fake.problems).toEqual([]);
  }, 300_000);
});
