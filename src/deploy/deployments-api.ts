import { messageOf, statusOf, type RepoClient } from "../github/types.js";
import { deployTask } from "../../contract/deployment.js";
import type { DeploymentRequest } from "./deployment-request.js";
import { admitDeployment, botStatuses, type DeploymentRecord } from "./history.js";

/** Thin drivers over the Deployments API. Decisions live in history.ts and deployment-request.ts. */

export type CreateResult =
  | { ok: true; id: number; sha: string }
  /** 409: required status contexts failed or a merge conflict; 422: validation (e.g. unknown ref). */
  | { ok: false; status: number; message: string };

export async function createDeployment(
  client: RepoClient,
  request: DeploymentRequest,
): Promise<CreateResult> {
  const { octokit, owner, repo, log } = client;
  try {
    const response = await octokit.rest.repos.createDeployment({ owner, repo, ...request });
    const data = response.data as { id?: number; sha?: string; message?: string };
    if (response.status === 201 && typeof data.id === "number")
      return { ok: true, id: data.id, sha: data.sha ?? request.ref };
    // 202 means GitHub merged the default branch into the ref first; auto_merge is off, so it should not happen.
    return {
      ok: false,
      status: response.status,
      message: data.message ?? "GitHub did not create the deployment",
    };
  } catch (error) {
    const status = statusOf(error);
    if (status !== 409 && status !== 422) throw error;
    log.warn(
      { task: request.task, ref: request.ref, status, err: messageOf(error) },
      "GitHub refused the deployment",
    );
    return { ok: false, status, message: refusalMessage(error) };
  }
}

/** GitHub's own words, including the failing contexts it lists for a 409. */
function refusalMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: string; errors?: unknown[] } } }).response?.data;
  const details = (data?.errors ?? [])
    .map((e) =>
      typeof e === "string"
        ? e
        : ((e as { contexts?: { context: string; state: string }[] }).contexts ?? [])
            .map((c) => `${c.context}: ${c.state}`)
            .join(", ") ||
          (e as { message?: string }).message ||
          "",
    )
    .filter(Boolean);
  return [data?.message ?? messageOf(error), ...details].join("; ");
}

/**
 * The newest `limit` orchestrator deployments of a service in its environment, each with its statuses
 * (newest first; `statuses: false` skips them). Optionally only those of one commit. Only the app's
 * own deployments and statuses are returned (history.ts: admitDeployment, botStatuses); the others
 * are left out with a log line.
 */
export async function serviceDeployments(
  client: RepoClient,
  input: { service: string; environment: string; limit: number; sha?: string; statuses?: boolean },
): Promise<DeploymentRecord[]> {
  const { octokit, owner, repo, trust, log } = client;
  const { data } = await octokit.rest.repos.listDeployments({
    owner,
    repo,
    environment: input.environment,
    task: deployTask(input.service),
    per_page: Math.min(100, input.limit),
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
      input.statuses === false
        ? []
        : botStatuses(
            (
              await octokit.rest.repos.listDeploymentStatuses({
                owner,
                repo,
                deployment_id: deployment.id,
                per_page: 30,
              })
            ).data,
            identity,
          );
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

/** A branch, tag or SHA (prefix) to a full commit SHA; null when the repository has no such ref. */
export async function resolveCommit(client: RepoClient, ref: string): Promise<string | null> {
  const { octokit, owner, repo } = client;
  try {
    const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref, per_page: 1 });
    return data.sha;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 422) return null;
    throw error;
  }
}
