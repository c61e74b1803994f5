import { describe, expect, it } from "vitest";
import { planDeployments, type Candidate } from "../../../../runner/github/poll/deploy-plan.js";

const c = (
  id: number,
  service: string,
  state: Candidate["state"] = "pending",
  createdAt = `2025-01-01T00:00:${String(id).padStart(2, "0")}Z`,
): Candidate => ({
  id,
  service,
  createdAt,
  state,
});

describe("planDeployments", () => {
  const table: Array<{
    name: string;
    input: Candidate[];
    deploy: number[];
    supersede: Array<{ id: number; by: number }>;
    wait: number[];
  }> = [
    { name: "nothing open", input: [], deploy: [], supersede: [], wait: [] },
    { name: "one pending", input: [c(1, "web")], deploy: [1], supersede: [], wait: [] },
    {
      name: "newest pending of a service wins, older ones name it",
      input: [c(3, "web"), c(1, "web"), c(2, "web")],
      deploy: [3],
      supersede: [
        { id: 1, by: 3 },
        { id: 2, by: 3 },
      ],
      wait: [],
    },
    {
      name: "services are independent and run oldest first",
      input: [c(5, "api"), c(2, "web"), c(4, "web"), c(3, "worker")],
      deploy: [3, 4, 5],
      supersede: [{ id: 2, by: 4 }],
      wait: [],
    },
    {
      name: "a service busy on another runner waits, its older pending ones are still superseded",
      input: [c(1, "web", "claimed-elsewhere"), c(2, "web"), c(3, "web"), c(4, "api")],
      deploy: [4],
      supersede: [{ id: 2, by: 3 }],
      wait: [1, 3],
    },
    {
      name: "same timestamp: the higher id is newer",
      input: [c(8, "web", "pending", "2025-01-01T00:00:00Z"), c(7, "web", "pending", "2025-01-01T00:00:00Z")],
      deploy: [8],
      supersede: [{ id: 7, by: 8 }],
      wait: [],
    },
    {
      name: "creation time decides, not the id",
      input: [c(9, "web", "pending", "2025-01-01T00:00:00Z"), c(7, "web", "pending", "2025-01-02T00:00:00Z")],
      deploy: [7],
      supersede: [{ id: 9, by: 7 }],
      wait: [],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const plan = planDeployments(row.input);
      expect(plan.deploy).toEqual(row.deploy);
      expect(plan.supersede).toEqual(row.supersede);
      expect(plan.wait.map((w) => w.id).sort()).toEqual(row.wait);
    });
  }

  it("says why it waits", () => {
    const plan = planDeployments([c(1, "web", "claimed-elsewhere"), c(2, "web")]);
    expect(plan.wait).toEqual([
      { id: 1, reason: "deployment #1 of web is in progress on another runner" },
      { id: 2, reason: "waiting for deployment #1 of web, in progress on another runner" },
    ]);
  });
});
