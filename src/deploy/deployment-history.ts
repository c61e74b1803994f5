import { isAppBot, type AppIdentity, type UserLike } from "./app-identity.js";
import { deploymentPayloadSchema, type DeploymentPayload } from "../../contract/deployment.js";
import { deploymentTrustProblem } from "./deployment-trust.js";
import type { SigningKey } from "./signing.js";

/**
 * A service's deployment history as GitHub keeps it (the app has no database). Pure functions over
 * records fetched by deployments-api.ts.
 */

export interface StatusRecord {
  state: string;
  description: string | null;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  createdAt: string;
  creator: string | null;
  /** null when the payload is not orchestrator's (a deployment made by hand or another tool). */
  payload: DeploymentPayload | null;
  /** Newest first, as the API lists them. */
  statuses: StatusRecord[];
}

export function parsePayload(raw: unknown): DeploymentPayload | null {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = deploymentPayloadSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** A deployment as the API lists it, before it is admitted into the history. */
export interface ListedDeployment {
  sha: string;
  environment: string;
  createdAt: string;
  creator: UserLike | null;
  payload: unknown;
}

/**
 * Only the app's own deployments count as history (what runs now, what `rollback` and the Retry /
 * Roll back buttons walk back through): created by the App's bot, payload signed for this repository,
 * environment and commit. Returns the payload, or why the deployment is not the app's.
 */
export function admitDeployment(
  listed: ListedDeployment,
  trust: { key: SigningKey; identity: AppIdentity; repo: string },
): { ok: true; payload: DeploymentPayload } | { ok: false; why: string } {
  const payload = parsePayload(listed.payload);
  if (!payload) return { ok: false, why: "its payload is not an orchestrator payload (or is unsigned)" };
  const problem = deploymentTrustProblem({ ...listed, repo: trust.repo, payload }, trust.key, trust.identity);
  return problem ? { ok: false, why: problem } : { ok: true, payload };
}

/** Statuses count only when the App's bot (the runner) wrote them: anyone with deployments: write can add one. */
export function botStatuses<S extends { creator?: UserLike | null }>(
  statuses: S[],
  identity: AppIdentity,
): S[] {
  return statuses.filter((s) => isAppBot(s.creator ?? null, identity));
}

/** The latest state, or "pending" while the runner has not said anything yet. */
export function latestState(record: DeploymentRecord): string {
  return record.statuses[0]?.state ?? "pending";
}

/**
 * Did this deployment ever run successfully? GitHub later marks older successful deployments
 * `inactive` when a newer one succeeds, so the latest state alone does not tell.
 */
export function everSucceeded(record: DeploymentRecord): boolean {
  return record.statuses.some((s) => s.state === "success");
}

function newestFirst(records: DeploymentRecord[]): DeploymentRecord[] {
  return [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
}

/** What runs now: the newest deployment that succeeded (a failed one was rolled back or never started). */
export function currentDeployment(records: DeploymentRecord[]): DeploymentRecord | null {
  return newestFirst(records).find(everSucceeded) ?? null;
}

export type RollbackTarget =
  | { kind: "target"; current: DeploymentRecord; target: DeploymentRecord }
  | { kind: "none"; current: DeploymentRecord | null; reason: string };

/**
 * The deployment `rollback` redeploys: the newest successful deployment older than the current one,
 * of another commit, and not itself rolled back from already (so two rollbacks in a row walk back
 * through history instead of bouncing between the last two versions).
 */
export function rollbackTarget(records: DeploymentRecord[]): RollbackTarget {
  const ordered = newestFirst(records);
  const current = ordered.find(everSucceeded) ?? null;
  if (!current) return { kind: "none", current: null, reason: "nothing has been deployed successfully yet" };
  const rolledBackFrom = new Set(
    ordered
      .filter((r) => r.payload?.reason === "rollback" && everSucceeded(r))
      .map((r) => r.payload?.rollback_of),
  );
  const older = ordered.slice(ordered.indexOf(current) + 1);
  const target = older.find((r) => everSucceeded(r) && r.sha !== current.sha && !rolledBackFrom.has(r.id));
  if (!target) {
    return {
      kind: "none",
      current,
      reason: `there is no successful deployment of another commit before the current one (${current.sha.slice(0, 7)}, deployment ${current.id})`,
    };
  }
  return { kind: "target", current, target };
}
