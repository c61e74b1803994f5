import { describe, expect, it } from "vitest";
import { deployOutcomeSchema, outcomeOfStatus, outcomeStatus } from "../../contract/outcome.js";

describe("the final deployment status codec", () => {
  it.each(deployOutcomeSchema.options)("%s reads back as itself", (outcome) => {
    const { state, description } = outcomeStatus(outcome, "verification failed: HTTP 503");
    expect(outcomeOfStatus(state, description)).toBe(outcome);
  });

  it("a plain failure whose reason looks like a rollback's cannot pass for one", () => {
    const status = outcomeStatus("failed", "Rolled back: not really");
    expect(status).toEqual({ state: "failure", description: "failed: Rolled back: not really" });
    expect(outcomeOfStatus(status.state, status.description)).toBe("failed");
    expect(outcomeOfStatus("failure", "rolled back: x")).toBe("rolled_back");
  });

  it("states that are not final have no outcome", () => {
    for (const state of ["queued", "in_progress", "pending", "inactive"])
      expect(outcomeOfStatus(state, "rolled back: x")).toBeNull();
  });
});
