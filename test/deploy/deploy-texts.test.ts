import { describe, expect, it } from "vitest";
import { findDeployCommentMarker } from "../../contract/markers.js";
import type { DeploymentRecord } from "../../src/deploy/deployment-history.js";
import {
  renderNotDeployed,
  renderQueued,
  renderRejected,
  renderStatus,
} from "../../src/deploy/deploy-texts.js";

const SHA = "abcdef0123456789abcdef0123456789abcdef01";
const SIGNED = { signed_at: "2026-03-01T00:00:00.000Z", sig: "0".repeat(64) };

function rec(id: number, state: string | null, extra: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id,
    sha: `${id}`.repeat(40).slice(0, 40),
    createdAt: `2026-03-0${id}T10:20:30Z`,
    creator: "orchestrator[bot]",
    payload: { service: "api", pr: 7, reason: "merge", requested_by: "alice", ...SIGNED },
    statuses: state ? [{ state, description: null, createdAt: "2026-03-01T00:00:00Z" }] : [],
    ...extra,
  };
}

describe("deploy texts", () => {
  it("the queued comment carries the marker the runner looks for", () => {
    const text = renderQueued({
      deploymentId: 4711,
      service: "api",
      environment: "production",
      sha: SHA,
      payload: { service: "api", pr: 7, reason: "merge", requested_by: "alice", ...SIGNED },
      reportsHere: true,
    });
    expect(findDeployCommentMarker(text)).toBe(4711);
    expect(text).toContain(
      "**Deploy queued**: `api` at `abcdef0` to `production` (deployment 4711, merge of #7, requested by @alice).",
    );
    expect(text).toContain("This comment is updated with the result.");
  });

  it("without a PR it points at the environment page instead", () => {
    const text = renderQueued({
      deploymentId: 1,
      service: "api",
      environment: "production",
      sha: SHA,
      payload: { service: "api", pr: null, reason: "command", requested_by: "alice", ...SIGNED },
      reportsHere: false,
    });
    expect(text).toContain("follow it on the `production` environment page");
    expect(text).not.toContain("This comment is updated");
  });

  it("refusals list their reasons and escape HTML", () => {
    expect(renderNotDeployed("api", SHA, "outside <policy>", ["a: b"])).toBe(
      "**Not deployed**: `api` at `abcdef0`: outside &lt;policy&gt;. No deployment was created.\n- a: b",
    );
    expect(renderRejected("api", SHA, 409, "Conflict: failed contexts", ["ci/build"])).toMatch(
      /HTTP 409: Conflict: failed contexts\)\. The required status checks \(`ci\/build`, from `deploy\.required_contexts`\)/,
    );
  });

  it("the status table shows the current version, states and escapes cells", () => {
    const text = renderStatus([
      {
        service: "api",
        environment: "production",
        records: [
          rec(3, "failure", {
            statuses: [{ state: "failure", description: "rolled back: health | 503", createdAt: "x" }],
          }),
          rec(2, "success", {
            payload: {
              service: "api",
              pr: null,
              reason: "rollback",
              requested_by: "bob",
              rollback_of: 1,
              ...SIGNED,
            },
          }),
          rec(1, null, { payload: null, creator: "carol" }),
        ],
      },
      { service: "web", environment: "staging", records: [] },
    ]);
    expect(text.split("\n")).toEqual([
      "**`api`** in `production`: running `2222222` (deployment 2, rollback of deployment 1)",
      "",
      "| deployment | commit | state | reason | by | created | note |",
      "|---|---|---|---|---|---|---|",
      "| 3 | `3333333` | failure | merge of #7 | @alice | 2026-03-03 10:20Z | rolled back: health 503 |",
      "| 2 (current) | `2222222` | success | rollback of deployment 1 | @bob | 2026-03-02 10:20Z |  |",
      "| 1 | `1111111` | pending | not orchestrator's | @carol | 2026-03-01 10:20Z |  |",
      "",
      "**`web`** in `staging`: no deployments by orchestrator yet.",
    ]);
  });
});
