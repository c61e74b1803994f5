/**
 * Issue 3, the failing half: the same loop, but the deployed merge commit breaks the health check, so
 * the runner rolls back on real Docker, reports the evidence and the rollback, and the app, told by the
 * deployment_status event, offers a revert PR.
 *
 * How the health check breaks: the fix PR itself may only touch allow-listed files, so while it waits
 * for review someone pushes a commit to main that drops the health page (and bumps the version). The
 * merge commit, which is what gets deployed, carries both.
 */
import { expect, it } from "vitest";
import { revertOfferMarker } from "../../contract/markers.js";
import { ROLLED_BACK_PREFIX } from "../../contract/outcome.js";
import { deployCheckName } from "../../contract/checks.js";
import { deployCommentMarker } from "../../contract/markers.js";
import { describeDocker } from "../helpers/docker.js";
import { useGitHubHarness } from "../helpers/github.js";
import { createFakeGitHub } from "./fake-github.js";
import {
  APPROVER,
  ENVIRONMENT,
  REQUIREMENTS_BEFORE,
  failingCiRun,
  mockPyPI,
  outboundText,
  runnerPass,
  useLoopWorld,
} from "./loop-world.js";
import { deploymentStatusEvents, pullClosed, reviewSubmitted, workflowRunFailed } from "./webhooks.js";

const gh = useGitHubHarness();

describeDocker("the whole loop on real Docker, with a broken health check", () => {
  const world = useLoopWorld(gh, "looprb");

  it("failing CI -> fix PR -> approval -> merge that breaks health -> runner rolls back -> evidence + revert offer", async () => {
    const { stack, origin, baseSha } = world();
    const fake = createFakeGitHub(gh, origin);
    mockPyPI(gh);
    expect(await stack.get("/version")).toBe("v1");

    // 1-2. CI fails, the fix PR opens, alice approves its head.
    const run = failingCiRun(baseSha);
    fake.addRun(run);
    await gh.receive("workflow_run", workflowRunFailed(run));
    expect(fake.pulls).toHaveLength(1);
    const pr = fake.pulls[0]!;
    const review = fake.review(pr.number, APPROVER, "APPROVED");
    await gh.receive("pull_request_review", reviewSubmitted(fake, review));
    expect(
      fake.checkRuns.find((c) => c.name === "orchestrator / approval" && c.head_sha === review.commit_id),
    ).toMatchObject({ status: "completed", conclusion: "success" });

    // 3. Meanwhile main moves: the health page goes. Then the approved PR is merged on top of it.
    const mainBefore = fake.push(
      { "services/web/www/health": null, "services/web/www/version": "v2\n" },
      "web: v2 (drops the health page)",
      "carol",
    );
    const merge = fake.merge(pr.number, APPROVER);
    expect(origin.readCommit(merge)?.parents).toEqual([mainBefore, review.commit_id]);
    expect(origin.show(merge, "services/web/www/health")).toBeNull();
    await gh.receive("pull_request", pullClosed(fake, pr.number));

    expect(fake.deployments).toHaveLength(1);
    const deployment = fake.deployments[0]!;
    expect(deployment).toMatchObject({ sha: merge, environment: ENVIRONMENT, task: "deploy:web" });

    // 4. The runner deploys the merge commit, verification fails (404 on /health), it rolls back.
    const pass = await runnerPass(stack);
    expect(pass.stderr).toBe("");
    expect(pass.code).toBe(0);

    const states = fake.statuses.filter((s) => s.deployment === deployment.id);
    expect(states.map((s) => s.state)).toEqual(["in_progress", "failure"]);
    expect(states[1]!.description.startsWith(`${ROLLED_BACK_PREFIX} verification failed`)).toBe(true);

    // One comment, updated in place: the failure, the failed probes as evidence, and the rollback.
    expect(fake.comments).toHaveLength(1);
    const comment = fake.comments[0]!;
    expect(comment.body.startsWith(deployCommentMarker(deployment.id))).toBe(true);
    expect(comment.body).toContain(`↩️ Deploy failed, rolled back: \`web\` to \`${ENVIRONMENT}\``);
    expect(comment.body).toContain("<summary>Failed probes</summary>");
    expect(comment.body).toMatch(/\| http \| GET http:\/\/127\.0\.0\.1:\d+\/health -> HTTP 404/);
    expect(comment.body).toMatch(
      /\*\*Rollback:\*\* the previous version \(image `[0-9a-f]{12}`\) is running again and verified healthy/,
    );
    expect(comment.body).toMatch(/\| verify \| ❌ failed \| \d+(\.\d)? m?s \|/);
    expect(comment.body).toMatch(/\| rollback-verify \| ✅ ok \| \d+(\.\d)? m?s \|/);

    const check = fake.checkRuns.find((c) => c.name === deployCheckName("web"));
    expect(check).toMatchObject({
      head_sha: merge,
      status: "completed",
      conclusion: "failure",
      actions: [{ label: "Retry", identifier: "retry" }],
    });

    // The old version serves again, healthy, without the merged requirements; the workspace is back.
    expect(await stack.get("/version")).toBe("v1");
    expect(await stack.get("/health")).toBe("ok");
    expect(await stack.get("/requirements.txt")).toBe(REQUIREMENTS_BEFORE.trim());
    expect(stack.git("rev-parse", "HEAD")).toBe(baseSha);

    // 5. GitHub sends one deployment_status event per status; the final one makes the app offer a revert.
    for (const event of deploymentStatusEvents(fake, deployment.id))
      await gh.receive("deployment_status", event);

    expect(fake.pulls).toHaveLength(2);
    const revert = fake.pulls[1]!;
    expect(revert.head.ref).toBe(`orchestrator/revert/${merge.slice(0, 7)}`);
    const revertHead = origin.readRef(`heads/${revert.head.ref}`)!;
    expect(origin.readCommit(revertHead)?.parents).toEqual([merge]);
    // It undoes exactly the PR's change; the concurrent commit on main is not the PR's to revert.
    expect(origin.diff(merge, revertHead).map((f) => f.filename)).toEqual(["services/web/requirements.txt"]);
    expect(origin.show(revertHead, "services/web/requirements.txt")).toBe(REQUIREMENTS_BEFORE);

    const offers = fake.comments.filter((c) => c.body.includes(revertOfferMarker(deployment.id)));
    expect(offers).toHaveLength(1);
    expect(offers[0]!.issue).toBe(pr.number);
    expect(offers[0]!.body).toContain(`merge the revert: #${revert.number}`);

    expect(fake.problems).toEqual([]);
    const outbound = outboundText(gh, fake, [pass]);
    expect(fake.tokens.length, "the app and the runner minted installation tokens").toBeGreaterThan(0);
    for (const token of fake.tokens) expect(outbound).not.toContain(token);
  }, 120_000);
});
