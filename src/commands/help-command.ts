import type { OrchestratorConfig } from "../config/schema.js";
import { COMMAND_USAGE, usageList } from "./parse-command.js";
import type { CommandHandler } from "./command-handler.js";

export function helpText(config: OrchestratorConfig | null): string {
  const services = config
    ? Object.keys(config.services)
        .map((s) => `\`${s}\``)
        .join(", ")
    : "(no config yet)";
  return [
    "**orchestrator commands**",
    usageList(),
    `- \`fix\` reads the latest failed CI run on this PR's head (on an issue: the default branch head), diagnoses the missing dependency and opens an allow-listed fix PR.`,
    `- \`plan\` shows the same diagnosis and diff without pushing anything.`,
    `- \`deploy\` creates a GitHub Deployment of the default branch head (or \`ref\`) for the runner; protected services need an allowed approver.`,
    `- \`rollback\` redeploys the last successful deployment before the current one; \`status\` lists what is deployed; \`retry\` redeploys a merged PR's merge commit.`,
    `- \`--force\` proposes a fix again even though its earlier PR was closed without merging.`,
    `Configured services: ${services}. Commands need \`${config?.commands.permission ?? "write"}\` permission.`,
    `Usage of a single command: \`${COMMAND_USAGE.fix}\`.`,
  ].join("\n");
}

export const helpCommand: CommandHandler = async (ctx) => helpText(ctx.config);
