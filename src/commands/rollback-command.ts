import type { Command } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";
import { rollbackService } from "../deploy/rollback.js";

/**
 * `/orchestrator rollback <service>`: redeploys the last successful version before the current one.
 * On a PR the new deployment reports there; on an issue, to no PR (the answer says where to look).
 */
export const rollbackCommand: CommandHandler<Extract<Command, { name: "rollback" }>> = async (
  ctx,
  command,
) => {
  const { client, config, issue, sender } = ctx;
  const outcome = await rollbackService(
    { client, config },
    {
      service: command.service,
      requestedBy: sender,
      reportTo: () => (issue.isPullRequest ? issue.number : null),
    },
  );
  return `@${sender} ${outcome.text}`;
};
