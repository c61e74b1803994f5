import { describe, expect, it } from "vitest";
import {
  currentDeployment,
  everSucceeded,
  latestState,
  parsePayload,
  rollbackTarget,
  type DeploymentRecord,
} from "../../src/deploy/deployment-history.js";

const SIGNED = { signed_at: "2026-01-01T00:00:00.000Z", sig: "0".repeat(64) };
let clock = 0;
function record(
  id: number,
  sha: string,
  states: string[],
  payload: Partial<NonNullable<DeploymentRecord["payload"]>> = {},
): DeploymentRecord {
  clock += 1;
  return {
    id,
    sha: sha.repeat(40).slice(0, 40),
    createdAt: `2026-01-01T00:${String(clock).padStart(2, "0")}:00Z`,
    creator: "orchestrator[bot]",
    // An admitted record (serviceDeployments checked creator and signature before it got here).
    payload: { service: "api", pr: 1, reason: "merge", requested_by: "alice", ...SIGNED, ...payload },
    statuses: [...states]
      .reverse()
      .map((state, i) => ({ state, description: null, createdAt: `2026-01-01T01:0${i}:00Z` })),
  };
}

describe("deployment history", () => {
  it("a deployment marked inactive later still counts as having succeeded", () => {
    const r = record(1, "a", ["in_progress", "success", "inactive"]);
    expect(latestState(r)).toBe("inactive");
    expect(everSucceeded(r)).toBe(true);
    expect(latestState(record(2, "b", []))).toBe("pending");
  });

  it("the current version is the newest success, skipping failed and pending ones", () => {
    const a = record(1, "a", ["success"]);
    const b = record(2, "b", ["in_progress", "failure"]);
    const c = record(3, "c", []);
    expect(currentDeployment([c, b, a])?.id).toBe(1);
  });

  it("rollback targets the newest earlier success of another commit", () => {
    const a = record(1, "a", ["success", "inactive"]);
    const b = record(2, "b", ["success", "inactive"]);
    const b2 = record(3, "b", ["success", "inactive"], { reason: "retry" });
    const c = record(4, "c", ["success"]);
    const failed = record(5, "d", ["failure"]);
    const found = rollbackTarget([failed, c, b2, b, a]);
    expect(found).toMatchObject({ kind: "target", current: { id: 4 }, target: { id: 3 } });
    // Same commit as what runs now is no rollback at all.
    const same = rollbackTarget([
      record(7, "c", ["success"]),
      record(6, "c", ["success"]),
      record(8, "e", ["failure"]),
    ]);
    expect(same).toMatchObject({
      kind: "none",
      reason: expect.stringContaining("no successful deployment of another commit"),
    });
  });

  it("two rollbacks walk back instead of bouncing between the last two versions", () => {
    const a = record(1, "a", ["success"]);
    const b = record(2, "b", ["success"]);
    const c = record(3, "c", ["success"]);
    const back = record(4, "b", ["success"], { reason: "rollback", rollback_of: 3 });
    expect(rollbackTarget([back, c, b, a])).toMatchObject({
      kind: "target",
      current: { id: 4 },
      target: { id: 1 },
    });
  });

  it("says why there is nothing to roll back to", () => {
    expect(rollbackTarget([])).toEqual({
      kind: "none",
      current: null,
      reason: "nothing has been deployed successfully yet",
    });
    expect(rollbackTarget([record(1, "a", ["success"])])).toMatchObject({
      kind: "none",
      reason: expect.stringMatching(/before the current one \(aaaaaaa, deployment 1\)/),
    });
  });

  it("parses payloads given as objects or JSON strings, and rejects foreign ones", () => {
    const payload = { service: "api", pr: 3, reason: "merge", requested_by: "alice", ...SIGNED };
    expect(parsePayload(payload)).toEqual(payload);
    expect(parsePayload(JSON.stringify(payload))).toEqual(payload);
    expect(parsePayload("{not json")).toBeNull();
    expect(parsePayload({ service: "api" })).toBeNull();
    // Unsigned orchestrator-shaped payloads are not orchestrator's.
    expect(parsePayload({ service: "api", pr: 3, reason: "merge", requested_by: "alice" })).toBeNull();
  });
});
