/**
 * Issue 3: one test around the whole loop. Failing CI log -> fix PR -> approving review -> merge ->
 * deployment -> runner on real Docker -> success comment. GitHub is the in-memory fake (state flows
 * between stages for real, every request OpenAPI-validated); Docker, git and compose are real.
 */
import { expect, it } from "vitest";
import { deployCheckName } from "../../contract/checks.js";
import { deployCommentMarker } from "../../contract/markers.js";
import { describeDocker } from "../helpers/docker.js";
import { useGitHubHarness } from "../helpers/github.js";
import { createFakeGitHub } from "./fake-github.js";
import {
  APPROVER,
  ENVIRONMENT,
  PYYAML_LATEST,
  REQUIREMENTS_BEFORE,
  failingCiRun,
  mockPyPI,
  outboundText,
  runnerPass,
  useLoopWorld,
  type LoopStack,
} from "./loop-world.js";
import { deploymentStatusEvents, pullClosed, reviewSubmitted, workflowRunFailed } from "./webhooks.js";

const gh = useGitHubHarness();

function hasCommit(stack: LoopStack["stack"], sha: string): boolean {
  try {
    stack.git("rev-parse", "--verify", "--quiet", `${sha}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

describeDocker("the whole loop on real Docker", () => {
  const world = useLoopWorld(gh, "loopok");

  it("failing CI -> fix PR -> approval -> merge -> deployment -> runner deploys on Docker -> success comment", async () => {
    const { stack, origin, baseSha } = world();
    const fake = createFakeGitHub(gh, origin);
    mockPyPI(gh);
    expect(await stack.get("/requirements.txt")).toBe(REQUIREMENTS_BEFORE.trim());

    // 1. CI fails on main: the app reads the failed job's log, diagnoses, commits the fix, opens the PR.
    const run = failingCiRun(baseSha);
    fake.addRun(run);
    await gh.receive("workflow_run", workflowRunFailed(run));

    expect(fake.pulls).toHaveLength(1);
    const pr = fake.pulls[0]!;
    expect(pr.head.ref).toMatch(/^orchestrator\/web\/[0-9a-f]{10}$/);
    expect(pr.labels).toEqual(["orchestrator"]);
    const head = origin.readRef(`heads/${pr.head.ref}`)!;
    expect(origin.readCommit(head)?.parents).toEqual([baseSha]);
    expect(origin.diff(baseSha, head).map((f) => f.filename)).toEqual(["services/web/requirements.txt"]);
    expect(origin.show(head, "services/web/requirements.txt")).toBe(
      `${REQUIREMENTS_BEFORE}PyYAML==${PYYAML_LATEST}\n`,
    );
    expect(pr.body).toContain("No module named 'yaml'");
    const onHead = (name: string) => fake.checkRuns.filter((c) => c.head_sha === head && c.name === name);
    expect(onHead("orchestrator / fix")).toMatchObject([{ status: "completed", conclusion: "success" }]);
    expect(onHead("orchestrator / approval")).toMatchObject([{ status: "in_progress", conclusion: null }]);

    // 2. An allowed approver approves the head commit: the approval check turns green (same check run).
    const review = fake.review(pr.number, APPROVER, "APPROVED");
    await gh.receive("pull_request_review", reviewSubmitted(fake, review));
    expect(onHead("orchestrator / approval")).toMatchObject([
      { status: "completed", conclusion: "success", output: { title: `Approved by @${APPROVER}` } },
    ]);

    // 3. Merge: a real merge commit on main; the app re-checks and queues the deployment + one comment.
    const merge = fake.merge(pr.number, APPROVER);
    await gh.receive("pull_request", pullClosed(fake, pr.number));

    expect(fake.deployments).toHaveLength(1);
    const deployment = fake.deployments[0]!;
    expect(deployment).toMatchObject({
      sha: merge,
      task: "deploy:web",
      environment: ENVIRONMENT,
      payload: { service: "web", pr: pr.number, reason: "merge", requested_by: APPROVER },
    });
    expect(fake.comments).toHaveLength(1);
    const comment = fake.comments[0]!;
    expect(comment.issue).toBe(pr.number);
    expect(comment.body).toContain(deployCommentMarker(deployment.id));

    // 4. The runner's single pass: claim, fetch the merge commit, build, up, verify, report.
    expect(hasCommit(stack, merge)).toBe(false); // it has to come from the remote
    const pass = await runnerPass(stack);
    expect(pass.stderr).toBe("");
    expect(pass.code).toBe(0);
    expect(pass.log.find((l) => l.msg === "single pass done")).toMatchObject({ deployed: [deployment.id] });

    const states = fake.statuses.filter((s) => s.deployment === deployment.id);
    expect(states.map((s) => s.state)).toEqual(["in_progress", "success"]);
    expect(states[1]!.description).toMatch(new RegExp(`^deployed ${merge.slice(0, 12)} in \\d`));
    expect(states[1]!.log_url).toContain(`#issuecomment-${comment.id}`);

    // The queued comment was updated in place: still one, now the result with the step timings.
    expect(fake.comments).toHaveLength(1);
    expect(comment.edits).toBeGreaterThan(0);
    expect(comment.body.startsWith(deployCommentMarker(deployment.id))).toBe(true);
    expect(comment.body).toContain(`✅ Deployed: \`web\` to \`${ENVIRONMENT}\``);
    for (const step of ["prepare", "checkout", "build", "up", "verify"])
      expect(comment.body).toMatch(new RegExp(`\\| ${step} \\| ✅ ok \\| \\d+(\\.\\d)? m?s \\|`));

    const checks = fake.checkRuns.filter((c) => c.name === deployCheckName("web"));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      head_sha: merge,
      status: "completed",
      conclusion: "success",
      actions: [{ label: "Roll back", identifier: "rollback" }],
    });

    // The new version serves: the container was built from the merged requirements file.
    expect(await stack.get("/requirements.txt")).toBe(`${REQUIREMENTS_BEFORE}PyYAML==${PYYAML_LATEST}`);
    expect(await stack.get("/health")).toBe("ok");
    expect(stack.git("rev-parse", "HEAD")).toBe(merge);

    // GitHub tells the app about each status; a success needs no revert offer, so nothing new appears.
    for (const event of deploymentStatusEvents(fake, deployment.id))
      await gh.receive("deployment_status", event);
    expect(fake.comments).toHaveLength(1);
    expect(fake.pulls).toHaveLength(1);

    expect(fake.problems).toEqual([]);
    const outbound = outboundText(gh, fake, [pass]);
    expect(fake.tokens.length, "the app and the runner minted installation tokens").toBeGreaterThan(0);
    for (const token of fake.tokens) expect(outbound).not.toContain(token);
  }, 120_000);
});
