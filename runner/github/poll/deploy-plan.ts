/**
 * Which open deployments to run, which to supersede, which to leave alone. Pure: the poller gathers
 * the facts (task, latest status, whether this runner claimed it) and acts on the answer.
 */

export type CandidateState =
  /** No status yet, `pending` or `queued`; or claimed by this runner but never started on the host. */
  | "pending"
  /** `in_progress` and claimed by another runner (not in this runner's claims). */
  | "claimed-elsewhere";

export interface Candidate {
  id: number;
  service: string;
  createdAt: string;
  state: CandidateState;
}

export interface DeployPlan {
  /** Deployment ids to run, oldest first: at most one per service, the newest pending one. */
  deploy: number[];
  /** Older pending deployments of a service, replaced by a newer one (`by`). */
  supersede: Array<{ id: number; by: number }>;
  /** Deployments left alone this pass, with why. */
  wait: Array<{ id: number; reason: string }>;
}

export function planDeployments(candidates: Candidate[]): DeployPlan {
  const plan: DeployPlan = { deploy: [], supersede: [], wait: [] };
  const byService = new Map<string, Candidate[]>();
  for (const candidate of [...candidates].sort(oldestFirst)) {
    const list = byService.get(candidate.service) ?? [];
    list.push(candidate);
    byService.set(candidate.service, list);
  }
  const chosen: Candidate[] = [];
  for (const [service, list] of byService) {
    const pending = list.filter((c) => c.state === "pending");
    const elsewhere = list.filter((c) => c.state === "claimed-elsewhere");
    for (const c of elsewhere)
      plan.wait.push({
        id: c.id,
        reason: `deployment #${c.id} of ${service} is in progress on another runner`,
      });
    const newest = pending.at(-1);
    if (!newest) continue;
    for (const older of pending.slice(0, -1)) plan.supersede.push({ id: older.id, by: newest.id });
    const busy = elsewhere.at(-1);
    if (busy) {
      // Two runners must not deploy one service at once; pick it up once the other one is done.
      plan.wait.push({
        id: newest.id,
        reason: `waiting for deployment #${busy.id} of ${service}, in progress on another runner`,
      });
      continue;
    }
    chosen.push(newest);
  }
  plan.deploy = chosen.sort(oldestFirst).map((c) => c.id);
  return plan;
}

function oldestFirst(a: Candidate, b: Candidate): number {
  const byTime = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  return byTime !== 0 && !Number.isNaN(byTime) ? byTime : a.id - b.id;
}
