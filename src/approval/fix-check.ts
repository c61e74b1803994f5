import { isBot } from "../../github/bot.js";
import type { OrchestratorConfig, ServiceConfig } from "../config/schema.js";
import { upsertCheckRun } from "../../github/check-runs.js";
import { isTeamMember, permissionAtLeast, repoPermission } from "../github/permissions.js";
import { errorMessage } from "../../github/errors.js";
import type { AppClient } from "../github/app-client.js";
import { whoMustApprove } from "../render/fix-story.js";
import { pullMeta } from "../deploy/pull-meta.js";
import { approvalVerdict, reviewStates, type ApprovalVerdict } from "./policy.js";
import { FIX_BRANCH_PREFIX } from "../../contract/branches.js";
import { APPROVAL_CHECK } from "../../contract/checks.js";
import { resolveService } from "../config/service.js";

export interface PullLike {
  number: number;
  html_url: string;
  body: string | null;
  head: { sha: string; ref: string };
}

/**
 * The service of an orchestrator fix PR (a fix branch whose body starts with the app's signed marker
 * for this repository and branch), or null for any other PR.
 */
export function fixPullService(
  client: Pick<AppClient, "owner" | "repo" | "trust" | "log">,
  pull: PullLike,
): string | null {
  if (!pull.head.ref.startsWith(FIX_BRANCH_PREFIX)) return null;
  return pullMeta(client, pull)?.service ?? null;
}

/**
 * Re-evaluates the approval gate of a fix PR and writes the "orchestrator / approval" check on its
 * current head. Fails closed: any error while reading reviews or permissions leaves it pending.
 */
export async function refreshApproval(
  client: AppClient,
  config: OrchestratorConfig,
  pull: PullLike,
  service: string,
): Promise<ApprovalVerdict> {
  const serviceConfig = resolveService(config, service)?.config;
  let verdict: ApprovalVerdict;
  if (!serviceConfig) {
    verdict = { approved: false, reason: `service '${service}' is no longer configured` };
  } else {
    try {
      verdict = await evaluate(client, serviceConfig, pull);
    } catch (error) {
      client.log.warn(
        { pr: pull.number, err: errorMessage(error) },
        "approval could not be evaluated: failing closed",
      );
      verdict = { approved: false, reason: `could not read the reviews (${errorMessage(error)})` };
    }
  }
  await writeApprovalCheck(client, pull, verdict, serviceConfig?.approvers ?? null);
  client.log.info(
    { pr: pull.number, head: pull.head.sha, approved: verdict.approved },
    "approval gate evaluated",
  );
  return verdict;
}

export async function writeApprovalCheck(
  client: AppClient,
  pull: Pick<PullLike, "html_url" | "head">,
  verdict: ApprovalVerdict,
  approvers: string[] | null,
): Promise<void> {
  const short = pull.head.sha.slice(0, 7);
  await upsertCheckRun(client, {
    name: APPROVAL_CHECK,
    headSha: pull.head.sha,
    detailsUrl: pull.html_url,
    ...(verdict.approved
      ? {
          status: "completed" as const,
          conclusion: "success" as const,
          output: {
            title: `Approved by ${verdict.by.map((l) => `@${l}`).join(", ")}`,
            summary: `Approved on ${short} by ${verdict.by.map((l) => `@${l}`).join(", ")}.`,
            text: "A new push resets this check.",
          },
        }
      : {
          status: "in_progress" as const,
          output: {
            title: "Waiting for an approving review",
            summary: `Not approved: ${verdict.reason}.\n\nNeeds an approving review on ${short} by ${whoMustApprove(approvers)}.`,
            text: "Only a review of the current head commit counts; a new push resets this check.",
          },
        }),
  });
}

export async function evaluate(
  client: AppClient,
  service: ServiceConfig,
  pull: PullLike,
): Promise<ApprovalVerdict> {
  const { octokit, owner, repo } = client;
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner,
    repo,
    pull_number: pull.number,
    per_page: 100,
  });
  const states = reviewStates(
    reviews.map((r) => ({
      user: r.user ? { login: r.user.login, type: r.user.type } : null,
      state: r.state,
      commit_id: r.commit_id,
      submitted_at: r.submitted_at ?? null,
    })),
    pull.head.sha,
  );
  const allowed = new Map<string, true | false | string>();
  for (const login of new Set([...states.approvedHead, ...states.changesRequested])) {
    try {
      allowed.set(login, await isAllowedApprover(client, service, login));
    } catch (error) {
      allowed.set(login, errorMessage(error));
    }
  }
  return approvalVerdict(states, allowed, pull.head.sha);
}

/** Configured approvers (logins or @org/team), else anyone with write access. Bots never approve. */
export async function isAllowedApprover(
  client: AppClient,
  service: ServiceConfig,
  login: string,
): Promise<boolean> {
  if (isBot({ login })) return false;
  if (!service.approvers || service.approvers.length === 0) {
    return permissionAtLeast(await repoPermission(client, login), "write");
  }
  for (const entry of service.approvers) {
    if (!entry.startsWith("@")) {
      if (entry.toLowerCase() === login.toLowerCase()) return true;
      continue;
    }
    const [org, team] = entry.slice(1).split("/");
    if (org && team && (await isTeamMember(client, org, team, login))) return true;
  }
  return false;
}
