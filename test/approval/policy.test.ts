import { describe, expect, it } from "vitest";
import { approvalVerdict, reviewStates, type ReviewLike } from "../../src/approval/policy.js";

const HEAD = "h".repeat(40);
const r = (
  login: string,
  state: string,
  commit = HEAD,
  at = "2024-01-01T00:00:00Z",
  type = "User",
): ReviewLike => ({
  user: { login, type },
  state,
  commit_id: commit,
  submitted_at: at,
});

describe("reviewStates", () => {
  it("keeps each reviewer's latest decisive review; comments change nothing", () => {
    const states = reviewStates(
      [
        r("alice", "APPROVED", HEAD, "2024-01-01T01:00:00Z"),
        r("alice", "COMMENTED", HEAD, "2024-01-01T02:00:00Z"),
        r("bob", "CHANGES_REQUESTED"),
      ],
      HEAD,
    );
    expect(states).toEqual({ approvedHead: ["alice"], changesRequested: ["bob"] });
  });

  it("an approval on another commit, a later dismissal, or a bot does not approve the head", () => {
    const states = reviewStates(
      [
        r("alice", "APPROVED", "old"),
        r("carol", "APPROVED", HEAD, "2024-01-01T01:00:00Z"),
        r("carol", "DISMISSED", HEAD, "2024-01-01T02:00:00Z"),
        r("ci[bot]", "APPROVED"),
        r("robot", "APPROVED", HEAD, undefined, "Bot"),
      ],
      HEAD,
    );
    expect(states.approvedHead).toEqual([]);
  });
});

describe("approvalVerdict", () => {
  it("approves when an allowed approver approved the head", () => {
    expect(
      approvalVerdict(
        { approvedHead: ["alice", "bob"], changesRequested: [] },
        new Map([
          ["alice", false],
          ["bob", true],
        ]),
        HEAD,
      ),
    ).toEqual({
      approved: true,
      by: ["bob"],
    });
  });

  it("an allowed reviewer requesting changes blocks", () => {
    const verdict = approvalVerdict(
      { approvedHead: ["alice"], changesRequested: ["bob"] },
      new Map([
        ["alice", true],
        ["bob", true],
      ]),
      HEAD,
    );
    expect(verdict).toEqual({ approved: false, reason: "changes requested by @bob" });
  });

  it("fails closed when an approver could not be checked", () => {
    const verdict = approvalVerdict(
      { approvedHead: ["alice"], changesRequested: [] },
      new Map([["alice", "HTTP 500"]]),
      HEAD,
    );
    expect(verdict).toEqual({
      approved: false,
      reason: "could not verify @alice (HTTP 500), so the approval does not count",
    });
  });

  it("names approvals that do not count", () => {
    expect(
      approvalVerdict({ approvedHead: ["eve"], changesRequested: [] }, new Map([["eve", false]]), HEAD),
    ).toEqual({
      approved: false,
      reason: "approved on hhhhhhh by @eve, who is not an allowed approver",
    });
    expect(approvalVerdict({ approvedHead: [], changesRequested: [] }, new Map(), HEAD)).toEqual({
      approved: false,
      reason: "no approving review on the head commit hhhhhhh yet",
    });
  });
});
