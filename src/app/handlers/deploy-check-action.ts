import type { Context } from "probot";
import type { Trust } from "../../deploy/app-identity.js";
import { CHECK_ACTIONS, serviceFromCheckName } from "../../../contract/checks.js";
import { serviceDeployments } from "../../deploy/service-deployments.js";
import { queueDeploy } from "../../deploy/queue-deploy.js";
import { rollbackService } from "../../deploy/rollback.js";
import { postComment } from "../../../github/comments.js";
import { permissionAtLeast, repoPermission } from "../../github/permissions.js";
import { errorMessage } from "../../../github/errors.js";
import { redact } from "../../redact/redactor.js";
import { answerUnauthorized } from "../../render/answers.js";
import { clientFor } from "../client.js";
import { isBot } from "../../../github/bot.js";
import { loadConfig } from "../load-config.js";
import { resolveService } from "../../config/service.js";

/**
 * The "Roll back" and "Retry" buttons of the runner's "orchestrator / deploy <service>" check run. The
 * clicker is checked like a commenter. Answers go to the PR the deployment of that commit reports to;
 * without one there is nowhere to write, so the log says it.
 */
export async function onDeployCheckAction(
  context: Context<"check_run.requested_action">,
  trust: Trust,
): Promise<void> {
  const { check_run: check, requested_action: action, sender } = context.payload;
  const log = context.log.child({
    handler: "deploy-check-action",
    check: check.id,
    action: action?.identifier,
  });
  const service = serviceFromCheckName(check.name);
  if (service === null) {
    log.debug({ name: check.name }, "not a deploy check run");
    return;
  }
  const identifier = action?.identifier;
  if (identifier !== CHECK_ACTIONS.rollback.identifier && identifier !== CHECK_ACTIONS.retry.identifier) {
    log.warn({ identifier }, "unknown check run action: ignoring it");
    return;
  }
  if (isBot(sender)) {
    log.debug("ignoring an action requested by a bot");
    return;
  }
  const loaded = await loadConfig(context);
  if (loaded.status !== "ok") {
    log.warn({ config: loaded.status }, "config missing or invalid: ignoring the check run action");
    return;
  }
  const config = loaded.config;
  const serviceConfig = resolveService(config, service)?.config;
  if (!serviceConfig) {
    log.warn({ service }, "the check run names a service that is not configured: ignoring it");
    return;
  }
  const client = clientFor(context, trust, log);
  const sha = check.head_sha;
  const deployedHere = await serviceDeployments(client, {
    service,
    environment: serviceConfig.environment,
    limit: 10,
    sha,
    statuses: false,
  });
  const pr = deployedHere.find((d) => d.payload?.pr)?.payload?.pr ?? check.pull_requests[0]?.number ?? null;
  const answer = async (text: string): Promise<void> => {
    if (pr === null) log.info({ text: redact(text) }, "no pull request to answer on");
    else await postComment(client, pr, text);
  };
  const mention = `@${sender.login}`;

  const needs = config.commands.permission;
  let has: Awaited<ReturnType<typeof repoPermission>>;
  try {
    has = await repoPermission(client, sender.login);
  } catch (error) {
    log.warn(
      { user: sender.login, err: errorMessage(error) },
      "could not read the requester's permission: refusing",
    );
    await answer(
      `${mention} could not verify your permission on this repository, so the button did nothing.`,
    );
    return;
  }
  if (!permissionAtLeast(has, needs)) {
    log.info({ user: sender.login, has, needs }, "requester lacks the permission for deploy actions");
    await answer(answerUnauthorized(sender.login, has, needs));
    return;
  }

  if (identifier === CHECK_ACTIONS.rollback.identifier) {
    const outcome = await rollbackService(
      { client, config },
      { service, requestedBy: sender.login, reportTo: (currentPr) => currentPr ?? pr, expectCurrent: sha },
    );
    await answer(`${mention} ${outcome.text}`);
    return;
  }
  // Retry redeploys a commit orchestrator deployed for this service before (it passed the gates then);
  // only the app's own signed deployments count (serviceDeployments leaves the others out).
  if (deployedHere.length === 0) {
    await answer(
      `${mention} ${sha.slice(0, 7)} was never deployed by orchestrator for \`${service}\`, so Retry does nothing. Use \`/orchestrator deploy ${service} ${sha.slice(0, 7)}\`.`,
    );
    return;
  }
  const outcome = await queueDeploy(
    { client, config },
    { service, sha, reason: "retry", requestedBy: sender.login, pr },
  );
  await answer(`${mention} ${outcome.text}`);
}
