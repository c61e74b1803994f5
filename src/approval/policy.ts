/**
 * The approval gate, pure part: which reviews count. Only each reviewer's latest decisive review
 * counts (COMMENTED and PENDING reviews change nothing), and an approval counts only for the commit
 * it was given on: a new push needs a new approval.
 */
import { isBot } from "../../github/bot.js";

export interface ReviewLike {
  user: { login: string; type?: string } | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
}

export interface ReviewStates {
  /** Humans whose latest decisive review approves the head commit. */
  approvedHead: string[];
  /** Reviewers whose latest decisive review requests changes. */
  changesRequested: string[];
}

const DECISIVE = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

export function reviewStates(reviews: ReviewLike[], headSha: string): ReviewStates {
  const latest = new Map<string, ReviewLike>();
  const ordered = reviews
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.submitted_at ?? "").localeCompare(b.r.submitted_at ?? "") || a.i - b.i);
  for (const { r } of ordered) {
    if (!r.user || isBot(r.user) || !DECISIVE.has(r.state.toUpperCase())) continue;
    latest.set(r.user.login.toLowerCase(), r);
  }
  const approvedHead: string[] = [];
  const changesRequested: string[] = [];
  for (const review of latest.values()) {
    const login = review.user!.login;
    const state = review.state.toUpperCase();
    if (state === "APPROVED" && review.commit_id === headSha) approvedHead.push(login);
    if (state === "CHANGES_REQUESTED") changesRequested.push(login);
  }
  return { approvedHead, changesRequested };
}

export type ApprovalVerdict = { approved: true; by: string[] } | { approved: false; reason: string };

/**
 * The verdict, given who among the reviewers is an allowed approver (`allowed` maps login -> yes/no,
 * or an error text when it could not be checked: that counts as no).
 */
export function approvalVerdict(
  states: ReviewStates,
  allowed: Map<string, true | false | string>,
  headSha: string,
): ApprovalVerdict {
  const short = headSha.slice(0, 7);
  const blockers = states.changesRequested.filter((login) => allowed.get(login) === true);
  if (blockers.length > 0)
    return { approved: false, reason: `changes requested by ${blockers.map((l) => `@${l}`).join(", ")}` };
  const by = states.approvedHead.filter((login) => allowed.get(login) === true);
  if (by.length > 0) return { approved: true, by };
  const unverified = states.approvedHead.filter((login) => typeof allowed.get(login) === "string");
  if (unverified.length > 0) {
    return {
      approved: false,
      reason: `could not verify ${unverified.map((l) => `@${l} (${String(allowed.get(l))})`).join(", ")}, so the approval does not count`,
    };
  }
  const others = states.approvedHead;
  return {
    approved: false,
    reason:
      others.length > 0
        ? `approved on ${short} by ${others.map((l) => `@${l}`).join(", ")}, who ${others.length === 1 ? "is" : "are"} not an allowed approver`
        : `no approving review on the head commit ${short} yet`,
  };
}
