import { beforeEach, describe, expect, it } from "vitest";
import { useGitHubHarness } from "../helpers/github.js";
import { mockAnswer, wholeApp } from "../helpers/app-world.js";
import { mockDeployments, commandComment, mockCommandStart, CUR, merge } from "../helpers/deploy-world.js";

describe("/orchestrator status", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  it("answers one table per service with the current version and recent states", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "api",
      environment: "production",
      perPage: 5,
      deployments: [
        {
          id: 3,
          sha: CUR,
          payload: { ...merge(8), service: "api" },
          states: ["queued"],
          created_at: "2026-01-03T10:00:00Z",
        },
      ],
    });
    mockDeployments(gh, { service: "web", environment: "staging", perPage: 5, deployments: [] });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator status"));

    expect(answer().split("\n")).toEqual([
      "@alice deploy status:",
      "",
      "**`api`** in `production`: no successful deployment yet",
      "",
      "| deployment | commit | state | reason | by | created | note |",
      "|---|---|---|---|---|---|---|",
      "| 3 | `ccccccc` | queued | merge of #8 | @alice | 2026-01-03 10:00Z | queued note |",
      "",
      "**`web`** in `staging`: no deployments by orchestrator yet.",
    ]);
  });

  it("limits the answer to the named service", async () => {
    mockCommandStart(gh);
    mockDeployments(gh, {
      service: "web",
      environment: "staging",
      perPage: 5,
      deployments: [{ id: 9, sha: CUR, payload: merge(8), states: ["in_progress", "success"] }],
    });
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", commandComment("/orchestrator status web"));

    expect(answer()).toContain("**`web`** in `staging`: running `ccccccc` (deployment 9, merge of #8)");
    expect(answer()).not.toContain("`api`");
  });
});
