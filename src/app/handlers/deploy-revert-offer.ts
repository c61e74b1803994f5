import type { Context } from "probot";
import { isAppBot, type Trust } from "../../deploy/app-identity.js";
import { revertOfferMarker } from "../../../contract/markers.js";
import { outcomeOfStatus } from "../../../contract/outcome.js";
import { serviceFromTask } from "../../../contract/deployment.js";
import { deploymentTrustProblem } from "../../deploy/deployment-trust.js";
import { parsePayload } from "../../deploy/deployment-history.js";
import { upsertMarkedComment } from "../../../github/comments.js";
import { offerRevert, type RevertOutcome } from "../../deploy/revert-pr.js";
import { errorMessage } from "../../../github/errors.js";
import { escapeHtml } from "../../render/text.js";
import { clientFor } from "../client.js";
import { loadConfig } from "../load-config.js";
import { resolveService } from "../../config/service.js";

/**
 * After the runner rolled a deploy back (a final status whose outcome is `rolled_back`), offer the way back to a consistent main on the PR: a revert PR, or why not.
 * Only when the status and the deployment are the app's own: written by its bot (the runner), the
 * deployment's payload signed by the app. Anyone with deployments: write can add a status.
 */
export async function onDeploymentStatus(context: Context<"deployment_status">, trust: Trust): Promise<void> {
  const { deployment, deployment_status: status } = context.payload;
  const log = context.log.child({
    handler: "deploy-revert-offer",
    deployment: deployment.id,
    state: status.state,
  });
  const service = serviceFromTask(deployment.task);
  if (service === null) {
    log.debug({ task: deployment.task }, "not an orchestrator deployment");
    return;
  }
  if (outcomeOfStatus(status.state, status.description) !== "rolled_back") {
    log.debug("not a completed rollback: nothing to offer");
    return;
  }
  const payload = parsePayload(deployment.payload);
  if (!payload || payload.service !== service) {
    log.warn(
      { task: deployment.task },
      "a rolled-back status on a deployment without a signed orchestrator payload for its task: ignoring it",
    );
    return;
  }
  if (payload.pr === null || payload.reason === "rollback" || payload.reason === "command") {
    // Only a PR's change can be reverted; a rolled-back rollback or ad-hoc deploy changed nothing on main.
    log.info(
      { reason: payload.reason, pr: payload.pr },
      "rolled back, but not a merged PR's change: no revert offer",
    );
    return;
  }
  if (!trust.key) {
    log.warn({ why: trust.keyProblem }, "no signing key: cannot trust the status, no revert offer");
    return;
  }
  const identity = await trust.identity();
  if (!isAppBot(status.creator, identity)) {
    log.warn(
      { creator: status.creator?.login ?? null, bot: identity.botLogin },
      "a rolled-back status not written by the app's bot: ignoring it",
    );
    return;
  }
  const { owner, repo } = context.repo();
  const problem = deploymentTrustProblem(
    {
      repo: `${owner}/${repo}`,
      environment: deployment.environment,
      sha: deployment.sha,
      createdAt: deployment.created_at,
      creator: deployment.creator,
      payload,
    },
    trust.key,
    identity,
  );
  if (problem) {
    log.warn({ why: problem }, "a rolled-back status on a deployment that is not the app's: ignoring it");
    return;
  }
  const loaded = await loadConfig(context);
  if (loaded.status !== "ok") {
    log.warn({ config: loaded.status }, "config missing or invalid: no revert offer");
    return;
  }
  const serviceConfig = resolveService(loaded.config, service)?.config;
  if (!serviceConfig) {
    log.warn({ service }, "service no longer configured: no revert offer");
    return;
  }
  const client = clientFor(context, trust, log);
  let outcome: RevertOutcome;
  try {
    outcome = await offerRevert(client, {
      pr: payload.pr,
      service,
      serviceConfig,
      deploymentId: deployment.id,
      rolledBack: status.description ?? "",
    });
  } catch (error) {
    log.error({ err: errorMessage(error) }, "could not prepare the revert pull request");
    outcome = { kind: "declined", reason: `preparing it failed (${errorMessage(error)})` };
  }
  await upsertMarkedComment(client, {
    issue: payload.pr,
    marker: revertOfferMarker(deployment.id),
    body: renderRevertOffer(service, outcome),
  });
}

export function renderRevertOffer(service: string, outcome: RevertOutcome): string {
  const lead = `\`${service}\` was rolled back, so production runs the previous version while the default branch still has this change.`;
  switch (outcome.kind) {
    case "opened":
      return `${lead} To bring the default branch back in line, merge the revert: #${outcome.number} (${outcome.url}). Or close it and fix forward.`;
    case "existing":
      return `${lead} The revert is open: #${outcome.number} (${outcome.url}). Merge it, or close it and fix forward.`;
    case "declined":
      return `${lead} No revert pull request was opened: ${escapeHtml(outcome.reason)}.`;
  }
}
