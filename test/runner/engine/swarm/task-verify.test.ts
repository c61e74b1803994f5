import { describe, expect, it } from "vitest";
import { combineTaskResults, splitByNode, taskLabel } from "../../../../runner/engine/swarm/task-verify.js";
import type { SwarmTask } from "../../../../runner/engine/swarm/swarm-api.js";
import type { VerifyResult } from "../../../../runner/verify/verify-service.js";

const task = (
  id: string,
  slot: number,
  nodeId: string,
  containerId: string | null = `c-${id}`,
): SwarmTask => ({
  id: `${id}00000000000000`,
  image: "web:new",
  state: "running",
  desiredState: "running",
  containerId,
  error: "",
  slot,
  nodeId,
});
const result = (over: Partial<VerifyResult> = {}): VerifyResult => ({
  ok: true,
  phase: "done",
  reason: "healthy",
  probes: [{ at: "t", kind: "container", ok: true, detail: "running" }],
  containerId: "c",
  imageId: "i",
  logsTail: "",
  durationMs: 3000,
  startMs: 1000,
  watchMs: 2000,
  ...over,
});

describe("swarm per-task verification", () => {
  it("splits the running tasks into this node's (with a container) and the others", () => {
    const a = task("a", 1, "n1");
    const b = task("b", 2, "n2");
    const c = task("c", 3, "n1", null);
    const split = splitByNode([a, b, c], "n1");
    expect(split.local).toEqual([a]);
    expect(split.remote).toEqual([b, c]);
  });

  it("passes only when every task passed; the first failure leads, naming its task", () => {
    const a = task("a", 1, "n1");
    const b = task("b", 2, "n1");
    const failed = result({
      ok: false,
      phase: "watch",
      reason: "container restarted",
      cause: "crash_loop",
      crashed: true,
      startMs: 1500,
      watchMs: 400,
    });
    const combined = combineTaskResults([
      { task: a, result: result() },
      { task: b, result: failed },
    ]);
    expect(combined).toMatchObject({ ok: false, phase: "watch", cause: "crash_loop", crashed: true });
    expect(combined.reason).toBe(`${taskLabel(b)}: container restarted`);
    expect(combined.probes.map((p) => p.detail)).toEqual([
      `${taskLabel(a)}: running`,
      `${taskLabel(b)}: running`,
    ]);
    expect(combined).toMatchObject({ startMs: 1500, watchMs: 400 });
    const both = combineTaskResults([
      { task: a, result: result() },
      { task: b, result: result() },
    ]);
    expect(both.ok).toBe(true);
  });

  it("one task: its result unchanged (no task prefix)", () => {
    const only = result();
    expect(combineTaskResults([{ task: task("a", 1, "n1"), result: only }])).toEqual(only);
  });
});
