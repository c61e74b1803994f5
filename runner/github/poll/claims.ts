import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What this runner knows about a deployment it claimed, kept beside the journal: written before the
 * `in_progress` status goes out (so a crash right after still leaves "it is ours" on disk), then the ids
 * of the comment and check run it reports to, and whether the final status went out.
 */
export interface DeploymentClaim {
  deploymentId: number;
  service: string;
  environment: string;
  sha: string;
  pr: number | null;
  claimedAt: string;
  hostname: string;
  commentId?: number;
  commentUrl?: string;
  checkRunId?: number;
  /**
   * Recorded before the check run's create is sent: when its answer is lost, GitHub may hold the check
   * run anyway, so a retry looks it up (by name, SHA and the deployment's external id) before creating.
   */
  checkRunCreateSent?: boolean;
  /** Set once the final deployment status was accepted by GitHub: a retried report never posts it twice. */
  finalStatusPosted?: boolean;
  /**
   * Deployment status states this runner has sent at least once, recorded before each is sent. GitHub
   * may store a status and the answer still get lost (a 502 from a proxy): a state sent before is
   * looked up on GitHub before it is sent again.
   */
  statusesSent?: string[];
  /** When the runtime-failure `repository_dispatch` for this run was accepted: a restart never resends it. */
  runtimeFailureDispatchedAt?: string;
}

/** The GitHub facts carried in the run's journal (`meta.github`), so a restarted runner can report. */
export interface GitHubRunMeta {
  deploymentId: number;
  environment: string;
  sha: string;
  pr: number | null;
  environmentUrl: string | null;
}

function claimsDir(stateDir: string): string {
  return join(stateDir, "github", "deployments");
}

function claimPath(stateDir: string, deploymentId: number): string {
  return join(claimsDir(stateDir), `${deploymentId}.json`);
}

export function readClaim(stateDir: string, deploymentId: number): DeploymentClaim | null {
  const path = claimPath(stateDir, deploymentId);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, "utf8")) as DeploymentClaim;
}

/** Atomic replace (write + rename), so a crash never leaves half a claim. */
export function writeClaim(stateDir: string, claim: DeploymentClaim): void {
  mkdirSync(claimsDir(stateDir), { recursive: true });
  const path = claimPath(stateDir, claim.deploymentId);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(claim, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function updateClaim(
  stateDir: string,
  deploymentId: number,
  patch: Partial<DeploymentClaim>,
): DeploymentClaim | null {
  const claim = readClaim(stateDir, deploymentId);
  if (!claim) return null;
  const next = { ...claim, ...patch };
  writeClaim(stateDir, next);
  return next;
}

/** `meta.github` of a journal run, when it is a GitHub deployment. */
export function githubMeta(meta: Record<string, unknown> | undefined): GitHubRunMeta | null {
  const value = meta?.github as Partial<GitHubRunMeta> | undefined;
  return value && typeof value.deploymentId === "number" && typeof value.sha === "string"
    ? (value as GitHubRunMeta)
    : null;
}
