/**
 * The two things a deploy updates in place on GitHub: the PR comment (found by its hidden marker) and
 * the check run on the deployed SHA. Thin I/O; the text comes from render-deploy.ts.
 */
import { deployCheckName } from "../../contract/checks.js";
import { findDeployCommentMarker } from "../../contract/markers.js";
import type { DeployStatus } from "../journal/events.js";
import type { GitHubRepo } from "./deployments.js";
import { checkActions, checkConclusion } from "./render-deploy.js";

export interface CommentRef {
  id: number;
  url: string;
}

/** The deployment's comment on the PR, or null when there is none yet. */
export async function findDeployComment(
  gh: GitHubRepo,
  pr: number,
  deploymentId: number,
): Promise<CommentRef | null> {
  const octokit = await gh.octokit();
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: gh.owner,
    repo: gh.repo,
    issue_number: pr,
    per_page: 100,
  })) {
    const found = page.data.find((c) => findDeployCommentMarker(c.body) === deploymentId);
    if (found) return { id: found.id, url: found.html_url };
  }
  return null;
}

/**
 * Updates the comment in place; when `known` is gone (deleted) or unknown, looks it up by marker and
 * creates it only if it is missing. `body` must already be rendered (redacted, within limits).
 */
export async function upsertDeployComment(
  gh: GitHubRepo,
  pr: number,
  deploymentId: number,
  body: string,
  known: number | null,
): Promise<CommentRef> {
  const octokit = await gh.octokit();
  let id = known;
  if (id !== null) {
    try {
      const { data } = await octokit.rest.issues.updateComment({
        owner: gh.owner,
        repo: gh.repo,
        comment_id: id,
        body,
      });
      return { id: data.id, url: data.html_url };
    } catch (error) {
      if ((error as { status?: unknown }).status !== 404) throw error;
      id = null;
    }
  }
  const existing = await findDeployComment(gh, pr, deploymentId);
  if (existing) {
    const { data } = await octokit.rest.issues.updateComment({
      owner: gh.owner,
      repo: gh.repo,
      comment_id: existing.id,
      body,
    });
    return { id: data.id, url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner: gh.owner,
    repo: gh.repo,
    issue_number: pr,
    body,
  });
  return { id: data.id, url: data.html_url };
}

export interface CheckRunUpdate {
  service: string;
  /** Carried as the check run's external id, so a check run whose create answer was lost is found. */
  deploymentId: number;
  sha: string;
  output: { title: string; summary: string; text: string };
  /** Set when the deploy finished; the check run then completes with buttons. */
  status?: DeployStatus;
  detailsUrl?: string | null;
}

/**
 * This deployment's check run on the SHA (same name and external id), or null: for a retry after a
 * create whose answer never came back.
 */
export async function findDeployCheck(
  gh: GitHubRepo,
  service: string,
  sha: string,
  deploymentId: number,
): Promise<number | null> {
  const octokit = await gh.octokit();
  const { data } = await octokit.rest.checks.listForRef({
    owner: gh.owner,
    repo: gh.repo,
    ref: sha,
    check_name: deployCheckName(service),
    filter: "all",
    per_page: 100,
  });
  return data.check_runs.find((c) => c.external_id === String(deploymentId))?.id ?? null;
}

/**
 * Creates the deploy check run on the SHA or updates the one this deployment already has. `sentBefore`
 * says a create was sent before (its answer may have been lost): the check run is then looked up
 * first; `beforeCreate` runs (and must record that) before a create is sent.
 */
export async function upsertDeployCheck(
  gh: GitHubRepo,
  known: number | null,
  update: CheckRunUpdate,
  createOnce: { sentBefore: boolean; beforeCreate(): void } = { sentBefore: false, beforeCreate() {} },
): Promise<number> {
  const octokit = await gh.octokit();
  const completion = update.status
    ? {
        status: "completed" as const,
        conclusion: checkConclusion(update.status),
        completed_at: new Date().toISOString(),
        actions: checkActions(update.status),
      }
    : { status: "in_progress" as const };
  const common = {
    owner: gh.owner,
    repo: gh.repo,
    output: update.output,
    ...completion,
    ...(update.detailsUrl ? { details_url: update.detailsUrl } : {}),
  };
  let id = known;
  if (id === null && createOnce.sentBefore)
    id = await findDeployCheck(gh, update.service, update.sha, update.deploymentId);
  if (id !== null) {
    try {
      await octokit.rest.checks.update({ ...common, check_run_id: id });
      return id;
    } catch (error) {
      if ((error as { status?: unknown }).status !== 404) throw error;
    }
  }
  createOnce.beforeCreate();
  const { data } = await octokit.rest.checks.create({
    ...common,
    name: deployCheckName(update.service),
    head_sha: update.sha,
    external_id: String(update.deploymentId),
    ...(update.status ? {} : { started_at: new Date().toISOString() }),
  });
  return data.id;
}
