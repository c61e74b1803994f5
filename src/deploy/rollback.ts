import { serviceDeployments } from "./service-deployments.js";
import { rollbackTarget } from "./deployment-history.js";
import { queueDeploy, type DeployEnv, type QueueOutcome } from "./queue-deploy.js";
import { requireService } from "../config/service.js";

/** How far back `rollback` looks for the version to return to. */
export const ROLLBACK_HISTORY = 30;

export type RollbackOutcome = QueueOutcome | { kind: "none"; text: string };

/**
 * Redeploys the last successful deployment before the current one (deployment-history.ts decides which).
 * `reportTo` picks the PR the new deployment reports to, given the deployment being rolled back from;
 * `expectCurrent` (the buttons) refuses when the version on the clicked check run is no longer current.
 */
export async function rollbackService(
  env: DeployEnv,
  input: {
    service: string;
    requestedBy: string;
    reportTo: (currentPr: number | null) => number | null;
    expectCurrent?: string;
  },
): Promise<RollbackOutcome> {
  const serviceConfig = requireService(env.config, input.service).config;
  const records = await serviceDeployments(env.client, {
    service: input.service,
    environment: serviceConfig.environment,
    limit: ROLLBACK_HISTORY,
  });
  const found = rollbackTarget(records);
  if (found.kind === "none") {
    return {
      kind: "none",
      text: `Nothing to roll back to for \`${input.service}\` in \`${serviceConfig.environment}\`: ${found.reason}.`,
    };
  }
  const { current, target } = found;
  if (input.expectCurrent && input.expectCurrent !== current.sha) {
    return {
      kind: "none",
      text:
        `Not rolling back \`${input.service}\`: this check run is for ${input.expectCurrent.slice(0, 7)}, but ` +
        `${current.sha.slice(0, 7)} (deployment ${current.id}) is what runs now. Use \`/orchestrator rollback ${input.service}\` to roll that back.`,
    };
  }
  env.client.log.info(
    { service: input.service, from: current.id, to: target.id, sha: target.sha },
    "rolling back",
  );
  return queueDeploy(env, {
    service: input.service,
    sha: target.sha,
    reason: "rollback",
    requestedBy: input.requestedBy,
    pr: input.reportTo(current.payload?.pr ?? null),
    rollbackOf: current.id,
  });
}
