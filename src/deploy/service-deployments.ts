import { deployTask } from "../../contract/deployment.js";
import { listStatuses, listTaskDeployments } from "../../github/deployments.js";
import type { AppClient } from "../github/app-client.js";
import { admitDeployment, botStatuses, type DeploymentRecord } from "./deployment-history.js";

/**
 * The newest `limit` orchestrator deployments of a service in its environment, each with its statuses
 * (newest first; `statuses: false` skips them). Optionally only those of one commit. Only the app's
 * own deployments and statuses are returned (deployment-history.ts: admitDeployment, botStatuses); the others
 * are left out with a log line.
 */
export async function serviceDeployments(
  client: AppClient,
  input: { service: string; environment: string; limit: number; sha?: string; statuses?: boolean },
): Promise<DeploymentRecord[]> {
  const { owner, repo, trust, log } = client;
  const data = await listTaskDeployments(client, {
    environment: input.environment,
    task: deployTask(input.service),
    perPage: Math.min(100, input.limit),
    ...(input.sha ? { sha: input.sha } : {}),
  });
  const listed = data.slice(0, input.limit);
  if (listed.length === 0) return [];
  if (!trust.key) {
    log.warn({ why: trust.keyProblem }, "no signing key: no deployment can be trusted");
    return [];
  }
  const identity = await trust.identity();
  const records: DeploymentRecord[] = [];
  for (const deployment of listed) {
    const admitted = admitDeployment(
      {
        sha: deployment.sha,
        environment: deployment.environment,
        createdAt: deployment.created_at,
        creator: deployment.creator,
        payload: deployment.payload,
      },
      { key: trust.key, identity, repo: `${owner}/${repo}` },
    );
    if (!admitted.ok) {
      log.warn(
        { deployment: deployment.id, service: input.service, why: admitted.why },
        "ignoring a deployment that is not the app's",
      );
      continue;
    }
    const statuses =
      input.statuses === false ? [] : botStatuses(await listStatuses(client, deployment.id, 30), identity);
    records.push({
      id: deployment.id,
      sha: deployment.sha,
      createdAt: deployment.created_at,
      creator: deployment.creator?.login ?? null,
      payload: admitted.payload,
      statuses: statuses.map((s) => ({
        state: s.state,
        description: s.description ?? null,
        createdAt: s.created_at,
      })),
    });
  }
  return records;
}
