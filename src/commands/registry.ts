import type { CommandName } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";
import { deployCommand } from "./deploy-command.js";
import { fixCommand, planCommand } from "./fix-command.js";
import { helpCommand } from "./help-command.js";
import { retryCommand } from "./retry-command.js";
import { rollbackCommand } from "./rollback-command.js";
import { statusCommand } from "./status-command.js";

/** The command-handler registry: one handler per command the parser knows, each in its own file here. */
export const COMMAND_HANDLERS: Record<CommandName, CommandHandler> = {
  fix: fixCommand as CommandHandler,
  plan: planCommand as CommandHandler,
  help: helpCommand,
  deploy: deployCommand as CommandHandler,
  rollback: rollbackCommand as CommandHandler,
  status: statusCommand as CommandHandler,
  retry: retryCommand as CommandHandler,
};
