import type { CommandName } from "../../commands/parse.js";
import type { CommandHandler } from "../../commands/types.js";
import { deployCommand } from "./deploy-command.js";
import { retryCommand } from "./retry-command.js";
import { rollbackCommand } from "./rollback-command.js";
import { statusCommand } from "./status-command.js";

/** The deploy half's command handlers, plugged in through `AppDeps.commands`. */
export const deployCommands: Partial<Record<CommandName, CommandHandler>> = {
  deploy: deployCommand as CommandHandler,
  rollback: rollbackCommand as CommandHandler,
  status: statusCommand as CommandHandler,
  retry: retryCommand as CommandHandler,
};
