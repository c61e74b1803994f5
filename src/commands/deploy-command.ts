import { show, type Command } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";
import { refDeployGate } from "../approval/deploy-gate.js";
import { resolveCommit } from "../../github/deployments.js";
import { queueDeploy } from "../deploy/queue-deploy.js";
import { renderNotDeployed } from "../deploy/deploy-texts.js";
import { requireService } from "../config/service.js";

/**
 * `/orchestrator deploy <service> [ref]`: the ref (default: the default branch) is resolved to a commit
 * SHA first, so the deployment names exactly what was asked for even if the branch moves meanwhile.
 */
export const deployCommand: CommandHandler<Extract<Command, { name: "deploy" }>> = async (ctx, command) => {
  const { client, config, issue, sender } = ctx;
  const serviceConfig = requireService(config, command.service).config;
  const ref = command.ref ?? client.defaultBranch;
  const sha = await resolveCommit(client, ref);
  if (!sha)
    return `@${sender} ${show(ref)} is not a branch, tag or commit of this repository, so nothing was deployed.`;
  if (serviceConfig.protected) {
    const gate = await refDeployGate(client, serviceConfig, sha, sender);
    if (!gate.ok) {
      client.log.info(
        { service: command.service, sha, why: gate.why },
        "deploy refused by the approval rule",
      );
      return `@${sender} ${renderNotDeployed(command.service, sha, gate.why)}`;
    }
    client.log.info({ service: command.service, sha, why: gate.why }, "deploy allowed by the approval rule");
  }
  const outcome = await queueDeploy(
    { client, config },
    {
      service: command.service,
      sha,
      reason: "command",
      requestedBy: sender,
      pr: issue.isPullRequest ? issue.number : null,
    },
  );
  return `@${sender} ${outcome.text}`;
};
