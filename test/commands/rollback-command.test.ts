import { beforeEach, describe, expect, it } from "vitest";
import { useGitHubHarness } from "../helpers/github.js";
import { R, mockAnswer, sha, wholeApp } from "../helpers/app-world.js";
import {
  mockCreateDeployment,
  mockDeployments,
  commandComment,
  mockCommandStart,
  OLD,
  CUR,
  merge,
} from "../helpers/deploy-world.js";

describe("/orchestrator rollback", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("redeploys the last successful deployment before the current one", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 30,
      deployments: [
        {
          id: 40,
          sha: sha("f"),
          payload: merge(9),
          states: ["in_progress", "failure"],
          created_at: "2026-01-04T00:00:00Z",
        },
        {
          id: 30,
          sha: CUR,
          payload: merge(8),
          states: ["in_progress", "success"],
          created_at: "2026-01-03T00:00:00Z",
        },
        {
          id: 20,
          sha: OLD,
          payload: merge(7),
          states: ["success", "inactive"],
          created_at: "2026-01-02T00:00:00Z",
        },
      ],
    });
    const created = mockCreateDeployment(gh, { id: 41, sha: OLD });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator rollback web"));

    expect(created()).toMatchObject({
      ref: OLD,
      task: "deploy:web",
      payload: { service: "web", pr: 1, reason: "rollback", requested_by: "alice", rollback_of: 30 },
    });
    expect(answer()).toContain("(deployment 41, rollback of deployment 30, requested by @alice)");
  });

  it("says clearly when there is no earlier success to return to", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 30,
      deployments: [{ id: 30, sha: CUR, payload: merge(8), states: ["success"] }],
    });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator rollback web"));

    expect(answer()).toBe(
      "@alice Nothing to roll back to for `web` in `staging`: there is no successful deployment of another commit before the current one (ccccccc, deployment 30).",
    );
    expect(gh.sent("POST", `${R}/deployments`)).toEqual([]);
  });
});
