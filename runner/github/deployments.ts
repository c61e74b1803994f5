import { outbound } from "../../src/render/text.js";
import type { RunnerOctokit } from "./installation-client.js";

/** The parts of a GitHub deployment the runner looks at. */
export interface DeploymentInfo {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  createdAt: string;
  /** Who created it: the runner acts only on deployments of the App's bot. */
  creator: { login: string; type?: string } | null;
}

export type DeploymentState =
  "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export interface DeploymentStatusInfo {
  state: DeploymentState;
  description: string;
  creator: { login: string; type?: string } | null;
}

export interface GitHubRepo {
  owner: string;
  repo: string;
  octokit(): Promise<RunnerOctokit>;
}

export type DeploymentPage =
  { notModified: true } | { notModified: false; etag: string | null; deployments: DeploymentInfo[] };

/** How many of the newest deployments one poll reads; older ones are long settled or superseded. */
export const DEPLOYMENTS_PER_POLL = 50;

/**
 * Lists one environment's newest deployments with If-None-Match: a 304 (nothing changed) does not
 * count against the rate limit, so polling every few seconds stays cheap.
 */
export async function listDeployments(
  gh: GitHubRepo,
  environment: string,
  etag: string | null,
): Promise<DeploymentPage> {
  const octokit = await gh.octokit();
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/deployments", {
      owner: gh.owner,
      repo: gh.repo,
      environment,
      per_page: DEPLOYMENTS_PER_POLL,
      headers: etag ? { "if-none-match": etag } : {},
    });
    const deployments = response.data.map((d) => ({
      id: Number(d.id),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      environment: d.environment,
      payload: d.payload,
      createdAt: d.created_at,
      creator: d.creator ? { login: d.creator.login, type: d.creator.type } : null,
    }));
    return {
      notModified: false,
      etag: typeof response.headers.etag === "string" ? response.headers.etag : null,
      deployments,
    };
  } catch (error) {
    if ((error as { status?: unknown }).status === 304) return { notModified: true };
    throw error;
  }
}

/**
 * The newest status of a deployment, or null when it has none yet (a fresh deployment is pending).
 * With `trusted`, the newest status whose creator it accepts: anyone with deployments: write can add a
 * status, and one of theirs must not settle or block the app's deployment.
 */
export async function latestStatus(
  gh: GitHubRepo,
  deploymentId: number,
  trusted?: (creator: DeploymentStatusInfo["creator"]) => boolean,
): Promise<DeploymentStatusInfo | null> {
  const octokit = await gh.octokit();
  const list = async (perPage: number) =>
    (
      await octokit.rest.repos.listDeploymentStatuses({
        owner: gh.owner,
        repo: gh.repo,
        deployment_id: deploymentId,
        per_page: perPage,
      })
    ).data.map((s): DeploymentStatusInfo => ({
      state: s.state,
      description: s.description ?? "",
      creator: s.creator ? { login: s.creator.login, type: s.creator.type } : null,
    }));
  const [newest] = await list(1);
  if (!newest || !trusted || trusted(newest.creator)) return newest ?? null;
  return (await list(100)).find((s) => trusted(s.creator)) ?? null;
}

export interface StatusInput {
  state: DeploymentState;
  description: string;
  environmentUrl?: string | null;
  logUrl?: string | null;
}

/** GitHub caps status descriptions at 140 characters. */
export const STATUS_DESCRIPTION_LIMIT = 140;

export async function createStatus(gh: GitHubRepo, deploymentId: number, input: StatusInput): Promise<void> {
  const octokit = await gh.octokit();
  await octokit.rest.repos.createDeploymentStatus({
    owner: gh.owner,
    repo: gh.repo,
    deployment_id: deploymentId,
    state: input.state,
    description: shortDescription(input.description),
    ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
    ...(input.logUrl ? { log_url: input.logUrl } : {}),
  });
}

/** Redacted, on one line, and cut to GitHub's limit with an ellipsis. */
export function shortDescription(text: string): string {
  const line = outbound(text).replace(/\s+/g, " ").trim();
  return line.length <= STATUS_DESCRIPTION_LIMIT ? line : `${line.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}

export const TERMINAL_STATES: ReadonlySet<DeploymentState> = new Set([
  "error",
  "failure",
  "inactive",
  "success",
]);
