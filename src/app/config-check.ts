import type { ConfigError } from "../config/parse.js";
import { upsertCheckRun } from "../../github/check-runs.js";
import type { AppClient } from "../github/app-client.js";
import { renderConfigErrors } from "../render/answers.js";
import { CONFIG_PATH } from "../../contract/config-path.js";
import { CONFIG_CHECK } from "../../contract/checks.js";

/** The one answer to an invalid config on a CI failure: an action_required check on the failing commit. */
export async function reportInvalidConfig(
  client: AppClient,
  headSha: string,
  errors: ConfigError[],
  repoUrl: string,
): Promise<void> {
  client.log.warn({ errors }, "invalid .github/orchestrator.yml: reporting it and doing nothing else");
  await upsertCheckRun(client, {
    name: CONFIG_CHECK,
    headSha,
    status: "completed",
    conclusion: "action_required",
    detailsUrl: `${repoUrl}/blob/${client.defaultBranch}/${CONFIG_PATH}`,
    output: {
      title: `${CONFIG_PATH} is invalid`,
      summary: `orchestrator does nothing in this repository until \`${CONFIG_PATH}\` on \`${client.defaultBranch}\` is fixed:\n\n${renderConfigErrors(errors)}`,
      text: "The schema is published as schema/orchestrator.schema.json in the orchestrator package.",
    },
  });
}
