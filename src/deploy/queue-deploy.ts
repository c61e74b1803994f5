import type { OrchestratorConfig } from "../config/schema.js";
import type { AppClient } from "../github/app-client.js";
import { buildDeploymentRequest, type DeployIntent } from "./deployment-request.js";
import { createDeployment } from "../../github/deployments.js";
import { renderQueued, renderRejected } from "./deploy-texts.js";

export interface DeployEnv {
  client: AppClient;
  config: OrchestratorConfig;
}

export type QueueOutcome =
  { kind: "queued"; deploymentId: number; text: string } | { kind: "rejected"; status: number; text: string };

/**
 * Creates the deployment for an intent that has passed every check, and returns the text that tells
 * about it: the "queued" text carries the deploy comment marker, so whichever comment posts it becomes
 * the one the runner updates in place.
 */
export async function queueDeploy(env: DeployEnv, intent: DeployIntent): Promise<QueueOutcome> {
  const { client, config } = env;
  const { key, keyProblem } = client.trust;
  if (!key)
    throw new Error(`cannot sign the deployment of ${intent.service}: ${keyProblem ?? "no signing key"}`);
  const request = buildDeploymentRequest(intent, config, {
    key,
    repo: `${client.owner}/${client.repo}`,
    signedAt: new Date(),
  });
  const log = client.log.child({ service: intent.service, sha: intent.sha, reason: intent.reason });
  const result = await createDeployment(client, request);
  if (!result.ok) {
    log.warn({ status: result.status, message: result.message }, "deployment not created");
    return {
      kind: "rejected",
      status: result.status,
      text: renderRejected(
        intent.service,
        intent.sha,
        result.status,
        result.message,
        request.required_contexts,
      ),
    };
  }
  log.info({ deployment: result.id, environment: request.environment }, "deployment created");
  return {
    kind: "queued",
    deploymentId: result.id,
    text: renderQueued({
      deploymentId: result.id,
      service: intent.service,
      environment: request.environment,
      sha: intent.sha,
      payload: request.payload,
      reportsHere: intent.pr !== null,
    }),
  };
}
