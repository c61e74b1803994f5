/** The Deployments API: the queue between the app and the runner (contract/deployment.ts). Thin I/O. */
import { outbound } from "../src/render/text.js";
import { errorMessage, statusOf } from "./errors.js";
import { octokitOf, type RepoClient } from "./repo-client.js";

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

export type DeploymentPage =
  { notModified: true } | { notModified: false; etag: string | null; deployments: DeploymentInfo[] };

/** How many of the newest deployments one poll reads; older ones are long settled or superseded. */
export const DEPLOYMENTS_PER_POLL = 50;

/**
 * Lists one environment's newest deployments with If-None-Match: a 304 (nothing changed) does not
 * count against the rate limit, so polling every few seconds stays cheap.
 */
export async function listDeployments(
  gh: RepoClient,
  environment: string,
  etag: string | null,
): Promise<DeploymentPage> {
  const octokit = await octokitOf(gh);
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
    if (statusOf(error) === 304) return { notModified: true };
    throw error;
  }
}

/**
 * The newest status of a deployment, or null when it has none yet (a fresh deployment is pending).
 * With `trusted`, the newest status whose creator it accepts: anyone with deployments: write can add a
 * status, and one of theirs must not settle or block the app's deployment.
 */
export async function latestStatus(
  gh: RepoClient,
  deploymentId: number,
  trusted?: (creator: DeploymentStatusInfo["creator"]) => boolean,
): Promise<DeploymentStatusInfo | null> {
  const list = async (perPage: number) =>
    (await listStatuses(gh, deploymentId, perPage)).map((s): DeploymentStatusInfo => ({
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

export async function createStatus(gh: RepoClient, deploymentId: number, input: StatusInput): Promise<void> {
  const octokit = await octokitOf(gh);
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

/** A deployment's statuses as GitHub returns them, newest first. */
export async function listStatuses(gh: RepoClient, deploymentId: number, perPage: number) {
  const octokit = await octokitOf(gh);
  const { data } = await octokit.rest.repos.listDeploymentStatuses({
    owner: gh.owner,
    repo: gh.repo,
    deployment_id: deploymentId,
    per_page: perPage,
  });
  return data;
}

/** The newest deployments of one task in one environment (optionally of one commit), as GitHub returns them. */
export async function listTaskDeployments(
  gh: RepoClient,
  input: { environment: string; task: string; perPage: number; sha?: string },
) {
  const octokit = await octokitOf(gh);
  const { data } = await octokit.rest.repos.listDeployments({
    owner: gh.owner,
    repo: gh.repo,
    environment: input.environment,
    task: input.task,
    per_page: input.perPage,
    ...(input.sha ? { sha: input.sha } : {}),
  });
  return data;
}

/** The body of "create a deployment", without owner/repo. */
export interface CreateDeploymentInput {
  ref: string;
  task: string;
  environment: string;
  payload: Record<string, unknown>;
  description: string;
  auto_merge: boolean;
  required_contexts: string[];
}

export type CreateResult =
  | { ok: true; id: number; sha: string }
  /** 409: required status contexts failed or a merge conflict; 422: validation (e.g. unknown ref). */
  | { ok: false; status: number; message: string };

/** Creates a deployment; GitHub's refusals (409, 422) are answers, anything else throws. */
export async function createDeployment(
  gh: RepoClient,
  request: CreateDeploymentInput,
): Promise<CreateResult> {
  const octokit = await octokitOf(gh);
  try {
    const response = await octokit.rest.repos.createDeployment({
      owner: gh.owner,
      repo: gh.repo,
      ...request,
    });
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
  return [data?.message ?? errorMessage(error), ...details].join("; ");
}

/** A branch, tag or SHA (prefix) to a full commit SHA; null when the repository has no such ref. */
export async function resolveCommit(gh: RepoClient, ref: string): Promise<string | null> {
  const octokit = await octokitOf(gh);
  try {
    const { data } = await octokit.rest.repos.getCommit({ owner: gh.owner, repo: gh.repo, ref, per_page: 1 });
    return data.sha;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 422) return null;
    throw error;
  }
}
