import { createGitDataReader } from "../github/repo-reader.js";
import type { AppClient } from "../github/app-client.js";
import { mergedPullApproval } from "../approval/deploy-gate.js";
import type { DeployReason } from "../../contract/deployment.js";
import { serviceDeployments } from "./service-deployments.js";
import { checkMergedDiff, type PullFile } from "./merged-diff.js";
import { isOrchestratorPull, mergeTarget } from "./merge-target.js";
import { pullMeta } from "./pull-meta.js";
import { queueDeploy, type DeployEnv } from "./queue-deploy.js";
import { renderNotDeployed } from "./deploy-texts.js";
import { resolveService } from "../config/service.js";

/** A merged (or not) pull request, as both the merge event and `/orchestrator retry` see it. */
export interface PullFacts {
  number: number;
  html_url: string;
  body: string | null;
  labels: string[];
  merged: boolean;
  merge_commit_sha: string | null;
  head: { sha: string; ref: string };
}

/**
 * - "skip": not for orchestrator to deploy, or already queued (log only on merge events);
 * - "answer": the one text to post on the PR: queued (with the deploy marker) or why not.
 */
export type MergedPullOutcome =
  { kind: "skip"; why: string } | { kind: "answer"; text: string; deploymentId?: number };

/**
 * Deploys a merged PR's merge commit after checking it again: which service, the fix policy over the
 * merged files (orchestrator PRs), and for protected services the approval of the merged head.
 * `merge` is idempotent per PR: a redelivered event finds the deployment it created.
 */
export async function deployMergedPull(
  env: DeployEnv,
  pull: PullFacts,
  request: { reason: Extract<DeployReason, "merge" | "retry">; requestedBy: string },
): Promise<MergedPullOutcome> {
  const { client, config } = env;
  const log = client.log.child({ pr: pull.number, reason: request.reason });
  const sha = pull.merge_commit_sha;
  if (!pull.merged || !sha)
    return { kind: "skip", why: `#${pull.number} is not merged, so there is no merge commit to deploy` };

  const meta = pullMeta(client, pull);
  if (!config.deploy_on_merge && !isOrchestratorPull({ labels: pull.labels, meta })) {
    // Decided without reading the files: someone else's PR, and merges of those are not deployed.
    return { kind: "skip", why: "not an orchestrator PR, and deploy_on_merge is off" };
  }
  const files = await pullFiles(client, pull.number);
  const paths = [
    ...new Set(
      files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename])),
    ),
  ];
  const target = mergeTarget({ labels: pull.labels, meta, files: paths }, config);
  if (target.kind === "skip") return target;
  if (target.kind === "refuse") return { kind: "answer", text: renderNotDeployed(null, sha, target.why) };
  const { service } = target;
  const serviceConfig = resolveService(config, service)!.config;

  if (target.origin === "orchestrator") {
    const modes = await treeModes(client, sha);
    const decision = checkMergedDiff(files, modes, service, serviceConfig, config);
    if (!decision.allowed) {
      log.info(
        { service, refusals: decision.reasons },
        "merged diff is outside the fix policy: not deploying",
      );
      return {
        kind: "answer",
        text: renderNotDeployed(
          service,
          sha,
          "the merged changes are outside the fix policy",
          decision.reasons,
        ),
      };
    }
  }

  if (serviceConfig.protected) {
    const verdict = await mergedPullApproval(client, serviceConfig, pull);
    if (!verdict.approved) {
      log.info(
        { service, reason: verdict.reason },
        "protected service without an allowed approval of the merged head: not deploying",
      );
      return {
        kind: "answer",
        text: renderNotDeployed(
          service,
          sha,
          `\`${service}\` is protected and the merged head ${pull.head.sha.slice(0, 7)} was not approved: ${verdict.reason}`,
        ),
      };
    }
  }

  if (request.reason === "merge") {
    const existing = await serviceDeployments(client, {
      service,
      environment: serviceConfig.environment,
      limit: 20,
      sha,
      statuses: false,
    });
    const same = existing.find((d) => d.payload?.pr === pull.number && d.payload.reason === "merge");
    if (same)
      return { kind: "skip", why: `the merge of #${pull.number} is already queued as deployment ${same.id}` };
  }

  const outcome = await queueDeploy(env, {
    service,
    sha,
    reason: request.reason,
    requestedBy: request.requestedBy,
    pr: pull.number,
  });
  return outcome.kind === "queued"
    ? { kind: "answer", text: outcome.text, deploymentId: outcome.deploymentId }
    : { kind: "answer", text: outcome.text };
}

async function pullFiles(client: AppClient, pullNumber: number): Promise<PullFile[]> {
  const { octokit, owner, repo } = client;
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  return files.map((f) => ({
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    patch: f.patch,
    previous_filename: f.previous_filename,
  }));
}

/** Git modes of the merge commit's files, so the policy sees symlinks and submodules. */
async function treeModes(client: AppClient, sha: string): Promise<Map<string, string>> {
  const { data: commit } = await client.octokit.rest.git.getCommit({
    owner: client.owner,
    repo: client.repo,
    commit_sha: sha,
  });
  const entries = await createGitDataReader(client, commit.tree.sha).listTree("");
  return new Map(entries.map((e) => [e.path, e.mode]));
}
