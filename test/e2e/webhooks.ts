/**
 * The webhooks GitHub would send at each stage of the loop, built from real example payloads and filled
 * in from the fake's state (never hand-written per stage).
 */
import { adaptPayload, webhookExample, type WebhookPayload } from "../helpers/github.js";
import type { FakeGitHub, FakeReview, FakeRun } from "./fake-github.js";

const WEB = "https://github.com/acme/stack";

/** `workflow_run.completed` with conclusion failure, on the default branch. */
export function workflowRunFailed(run: FakeRun): WebhookPayload<"workflow_run"> {
  const payload = adaptPayload(webhookExample("workflow_run", (p) => p.action === "completed"));
  Object.assign(payload.workflow_run, {
    id: run.id,
    name: run.name,
    head_branch: "main",
    head_sha: run.head_sha,
    status: "completed",
    conclusion: "failure",
    html_url: `${WEB}/actions/runs/${run.id}`,
  });
  return payload;
}

/** `pull_request_review.submitted` for a review the fake recorded. */
export function reviewSubmitted(fake: FakeGitHub, review: FakeReview): WebhookPayload<"pull_request_review"> {
  const payload = adaptPayload(
    webhookExample("pull_request_review", (p) => p.action === "submitted"),
    { sender: { login: review.user } },
  );
  Object.assign(payload.pull_request, pullFields(fake, review.pull, payload.pull_request));
  Object.assign(payload.review, {
    id: review.id,
    state: review.state.toLowerCase(),
    commit_id: review.commit_id,
    submitted_at: review.submitted_at,
    html_url: `${WEB}/pull/${review.pull}#pullrequestreview-${review.id}`,
  });
  return payload;
}

/** `pull_request.closed` after the fake merged (or closed) the PR. */
export function pullClosed(fake: FakeGitHub, number: number): WebhookPayload<"pull_request"> {
  const pull = fake.pull(number);
  const payload = adaptPayload(
    webhookExample("pull_request", (p) => p.action === "closed"),
    { sender: { login: pull.merged_by ?? "alice" } },
  );
  Object.assign(payload.pull_request, pullFields(fake, number, payload.pull_request));
  (payload as { number: number }).number = number;
  return payload;
}

/** One `deployment_status` event per status the fake recorded for the deployment, oldest first. */
export function deploymentStatusEvents(
  fake: FakeGitHub,
  deploymentId: number,
): Array<WebhookPayload<"deployment_status">> {
  const deployment = fake.deployments.find((d) => d.id === deploymentId);
  if (!deployment) throw new Error(`the fake GitHub has no deployment ${deploymentId}`);
  return fake.statuses
    .filter((s) => s.deployment === deploymentId)
    .map((status) => {
      const payload = adaptPayload(webhookExample("deployment_status"), {
        sender: { login: "orchestrator[bot]", type: "Bot" },
      });
      Object.assign(payload.deployment, fake.deploymentJson(deployment));
      Object.assign(payload.deployment_status, fake.statusJson(status));
      return payload;
    });
}

/** The fake PR's fields over the example's (which keep what the fake does not model, e.g. head.repo). */
function pullFields(
  fake: FakeGitHub,
  number: number,
  example: { head: object; base: object },
): Record<string, unknown> {
  const json = fake.pullJson(fake.pull(number));
  return {
    number: json.number,
    state: json.state,
    title: json.title,
    body: json.body,
    html_url: json.html_url,
    labels: json.labels,
    merged: json.merged,
    merged_at: json.merged_at,
    merge_commit_sha: json.merge_commit_sha,
    head: { ...example.head, ...(json.head as object) },
    base: { ...example.base, ...(json.base as object) },
  };
}
