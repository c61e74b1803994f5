import type { OrchestratorConfig } from "../config/schema.js";
import type { AppDeps } from "../app/deps.js";
import type { AppClient } from "../github/app-client.js";
import type { Command } from "./parse-command.js";

/** What a command handler gets: an authorized commenter, a valid config, a service already checked. */
export interface CommandContext {
  client: AppClient;
  config: OrchestratorConfig;
  deps: AppDeps;
  /** The issue or PR the comment is on. */
  issue: { number: number; isPullRequest: boolean };
  sender: string;
}

/** Returns the one answer (markdown) to post; the caller redacts and fits it. */
export type CommandHandler<C extends Command = Command> = (
  ctx: CommandContext,
  command: C,
) => Promise<string>;
