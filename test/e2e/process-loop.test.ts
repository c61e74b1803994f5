/**
 * Issue 6: the whole loop through the production entry points. The app runs as `node dist/src/server.js`
 * and the runner as `node bin/orchestrator-runner.js start`, each with env only, against the fake
 * GitHub served over HTTP (every request OpenAPI-validated, JWTs and tokens verified); webhooks are
 * delivered signed over HTTP; Docker, git and compose are real. Nothing is injected.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { revertOfferMarker } from "../../contract/markers.js";
import { ROLLED_BACK_PREFIX } from "../../contract/outcome.js";
import { deployCheckName } from "../../contract/checks.js";
import { deployCommentMarker } from "../../contract/markers.js";
import { describeDocker } from "../helpers/docker.js";
import { APPROVER, ENVIRONMENT, failingCiRun } from "./loop-world.js";
import { buildDist } from "./processes.js";
import {
  createProcessWorld,
  processOutbound,
  REQUIREMENTS_UNPINNED,
  type ProcessWorld,
} from "./process-world.js";
import { waitFor } from "./wait.js";
import { deploymentStatusEvents, pullClosed, reviewSubmitted, workflowRunFailed } from "./webhooks.js";

const REQUIREMENTS_AFTER = `${REQUIREMENTS_UNPINNED}PyYAML\n`;

/** CI fails on main -> fix PR with its two checks -> an allowed approver approves the head. */
async function fixPrApproved(world: ProcessWorld) {
  const { fake } = world.github;
  const run = failingCiRun(world.baseSha);
  fake.addRun(run);
  await world.deliver("workflow_run", workflowRunFailed(run));
  const pr = await waitFor(() => fake.pulls[0], {
    what: () => `the fix PR\n${world.debug()}`,
    timeoutMs: 60_000,
  });
  const head = world.origin.readRef(`heads/${pr.head.ref}`)!;
  const onHead = (name: string) => fake.checkRuns.filter((c) => c.head_sha === head && c.name === name);
  await waitFor(() => onHead("orchestrator / approval").length === 1, {
    what: () => `the approval check\n${world.debug()}`,
  });
  expect(pr.head.ref).toMatch(/^orchestrator\/web\/[0-9a-f]{10}$/);
  expect(pr.labels).toEqual(["orchestrator"]);
  expect(pr.body).toContain("No module named 'yaml'");
  expect(world.origin.show(head, "services/web/requirements.txt")).toBe(REQUIREMENTS_AFTER);
  expect(onHead("orchestrator / fix")).toMatchObject([{ status: "completed", conclusion: "success" }]);
  expect(onHead("orchestrator / approval")).toMatchObject([{ status: "in_progress", conclusion: null }]);

  const review = fake.review(pr.number, APPROVER, "APPROVED");
  await world.deliver("pull_request_review", reviewSubmitted(fake, review));
  await waitFor(() => onHead("orchestrator / approval")[0]?.conclusion === "success", {
    what: () => `the approval check to turn green\n${world.debug()}`,
  });
  return { pr, head };
}

/** Waits for the runner's final status of the deployment (it polls every second). */
async function finalStatus(world: ProcessWorld, deploymentId: number) {
  const { fake } = world.github;
  return waitFor(
    () =>
      fake.statuses.find(
        (s) => s.deployment === deploymentId && ["success", "failure", "error"].includes(s.state),
      ),
    {
      what: () => `a final status of deployment ${deploymentId}\n${world.debug()}`,
      timeoutMs: 180_000,
      intervalMs: 200,
    },
  );
}

/** Both processes stop on SIGTERM with exit 0; nothing secret left through any surface. */
async function stopsCleanly(world: ProcessWorld) {
  const exits = await world.stop();
  expect(exits.app, world.app.output().slice(-2000)).toEqual({ code: 0, signal: null });
  expect(exits.runner, world.runner.output().slice(-2000)).toEqual({ code: 0, signal: null });
  expect(world.runner.lines().map((l) => l.msg)).toContain("runner stopped");
  const { fake } = world.github;
  expect(world.github.problems).toEqual([]);
  // Both processes minted installation tokens over HTTP with their own JWTs.
  expect(
    world.github.requests.filter((r) => /access_tokens$/.test(r.path) && r.status === 201).length,
  ).toBeGreaterThanOrEqual(2);
  const outbound = processOutbound(world);
  for (const token of fake.tokens) expect(outbound).not.toContain(token);
  expect(outbound).not.toContain("PRIVATE KEY");
}

let built: Promise<void> | null = null;

describeDocker("the whole loop through the production processes", () => {
  const worlds: ProcessWorld[] = [];
  beforeAll(async () => {
    built ??= buildDist();
    await built;
  });
  afterAll(async () => {
    for (const world of worlds) await world.cleanup();
  });

  it("A: failing CI -> fix PR -> approval -> merge -> deployment -> runner deploys -> comment, status, check run", async () => {
    const world = await createProcessWorld("procok");
    worlds.push(world);
    const { fake } = world.github;
    const { stack } = world;
    expect(await stack.get("/requirements.txt")).toBe(REQUIREMENTS_UNPINNED.trim());

    const { pr } = await fixPrApproved(world);
    const merge = fake.merge(pr.number, APPROVER);
    await world.deliver("pull_request", pullClosed(fake, pr.number));
    const deployment = await waitFor(() => fake.deployments[0], {
      what: () => `the deployment\n${world.debug()}`,
    });
    expect(deployment).toMatchObject({
      sha: merge,
      task: "deploy:web",
      environment: ENVIRONMENT,
      payload: { service: "web", pr: pr.number, reason: "merge", requested_by: APPROVER },
    });

    const final = await finalStatus(world, deployment.id);
    expect(final.state).toBe("success");
    const states = fake.statuses.filter((s) => s.deployment === deployment.id);
    expect(states.map((s) => s.state)).toEqual(["in_progress", "success"]);
    expect(final.description).toMatch(new RegExp(`^deployed ${merge.slice(0, 12)} in \\d`));

    expect(fake.comments).toHaveLength(1);
    const comment = fake.comments[0]!;
    expect(comment.issue).toBe(pr.number);
    expect(final.log_url).toContain(`#issuecomment-${comment.id}`);
    expect(comment.body.startsWith(deployCommentMarker(deployment.id))).toBe(true);
    expect(comment.body).toContain(`✅ Deployed: \`web\` to \`${ENVIRONMENT}\``);

    const checks = fake.checkRuns.filter((c) => c.name === deployCheckName("web"));
    expect(checks).toMatchObject([
      { head_sha: merge, status: "completed", conclusion: "success", actions: [{ identifier: "rollback" }] },
    ]);
    expect(await stack.get("/requirements.txt")).toBe(REQUIREMENTS_AFTER.trim());
    expect(await stack.get("/health")).toBe("ok");

    // GitHub tells the app about each status; a success needs no revert offer.
    for (const event of deploymentStatusEvents(fake, deployment.id))
      await world.deliver("deployment_status", event);
    expect(fake.comments).toHaveLength(1);
    expect(fake.pulls).toHaveLength(1);

    await stopsCleanly(world);
  }, 300_000);

  it("B: a merge that breaks the health check -> runner rolls back -> failure status, evidence, check run, revert offer", async () => {
    const world = await createProcessWorld("procrb");
    worlds.push(world);
    const { fake } = world.github;
    const { stack, baseSha } = world;
    expect(await stack.get("/version")).toBe("v1");

    const { pr, head } = await fixPrApproved(world);
    // Meanwhile main moves: the health page goes. The approved PR is merged on top of it.
    fake.push(
      { "services/web/www/health": null, "services/web/www/version": "v2\n" },
      "web: v2 (drops the health page)",
      "carol",
    );
    const merge = fake.merge(pr.number, APPROVER);
    await world.deliver("pull_request", pullClosed(fake, pr.number));
    const deployment = await waitFor(() => fake.deployments[0], {
      what: () => `the deployment\n${world.debug()}`,
    });
    expect(deployment).toMatchObject({ sha: merge, environment: ENVIRONMENT, task: "deploy:web" });

    const final = await finalStatus(world, deployment.id);
    expect(final.state).toBe("failure");
    expect(final.description.startsWith(`${ROLLED_BACK_PREFIX} verification failed`)).toBe(true);

    expect(fake.comments).toHaveLength(1);
    const comment = fake.comments[0]!;
    expect(comment.body.startsWith(deployCommentMarker(deployment.id))).toBe(true);
    expect(comment.body).toContain(`↩️ Deploy failed, rolled back: \`web\` to \`${ENVIRONMENT}\``);
    expect(comment.body).toMatch(/\| http \| GET http:\/\/127\.0\.0\.1:\d+\/health -> HTTP 404/);
    expect(comment.body).toMatch(
      /\*\*Rollback:\*\* the previous version \(image `[0-9a-f]{12}`\) is running again and verified healthy/,
    );
    expect(fake.checkRuns.filter((c) => c.name === deployCheckName("web"))).toMatchObject([
      { head_sha: merge, status: "completed", conclusion: "failure", actions: [{ identifier: "retry" }] },
    ]);

    // The old version serves again, healthy; the workspace is back at the old commit.
    expect(await stack.get("/version")).toBe("v1");
    expect(await stack.get("/health")).toBe("ok");
    expect(await stack.get("/requirements.txt")).toBe(REQUIREMENTS_UNPINNED.trim());
    expect(stack.git("rev-parse", "HEAD")).toBe(baseSha);

    // The final deployment_status makes the app offer a revert PR of exactly the fix.
    for (const event of deploymentStatusEvents(fake, deployment.id))
      await world.deliver("deployment_status", event);
    const revert = await waitFor(() => fake.pulls[1], { what: () => `the revert PR\n${world.debug()}` });
    expect(revert.head.ref).toBe(`orchestrator/revert/${merge.slice(0, 7)}`);
    const revertHead = world.origin.readRef(`heads/${revert.head.ref}`)!;
    expect(world.origin.diff(merge, revertHead).map((f) => f.filename)).toEqual([
      "services/web/requirements.txt",
    ]);
    expect(world.origin.show(revertHead, "services/web/requirements.txt")).toBe(REQUIREMENTS_UNPINNED);
    const offers = fake.comments.filter((c) => c.body.includes(revertOfferMarker(deployment.id)));
    expect(offers).toMatchObject([{ issue: pr.number }]);
    expect(head).not.toBe(merge);

    await stopsCleanly(world);
  }, 300_000);
});
