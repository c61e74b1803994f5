import type { Command, CommandName } from "./parse.js";
import type { CommandHandler, CommandRegistry } from "./types.js";
import { fixCommand, planCommand } from "./fix-command.js";
import { helpCommand } from "./help-command.js";

/** Answer for commands the deploy half has not plugged in yet. */
export const notAvailable: CommandHandler = async (_ctx, command: Command) =>
  `\`${command.name}\` is not available yet in this installation. Available now: \`fix\`, \`plan\`, \`help\`.`;

/**
 * The command-handler registry. Built-ins first; `overrides` (AppDeps.commands) replace entries, which
 * is how deploy, rollback, status and retry get their real handlers.
 */
export function createCommandRegistry(
  overrides: Partial<Record<CommandName, CommandHandler>> = {},
): CommandRegistry {
  const registry: CommandRegistry = new Map<CommandName, CommandHandler>([
    ["fix", fixCommand as CommandHandler],
    ["plan", planCommand as CommandHandler],
    ["help", helpCommand],
    ["deploy", notAvailable],
    ["rollback", notAvailable],
    ["status", notAvailable],
    ["retry", notAvailable],
  ]);
  for (const [name, handler] of Object.entries(overrides)) {
    if (handler) registry.set(name as CommandName, handler);
  }
  return registry;
}
