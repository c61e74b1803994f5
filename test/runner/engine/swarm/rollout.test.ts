import { describe, expect, it } from "vitest";
import { judgeRollout } from "../../../../runner/engine/swarm/rollout.js";
import type { SwarmServiceState, SwarmTask } from "../../../../runner/engine/swarm/swarm-api.js";

const service = (over: Partial<SwarmServiceState> = {}): SwarmServiceState => ({
  id: "s1",
  image: "web:new",
  previousImage: "web:old",
  replicas: 2,
  updateState: "updating",
  updateMessage: "",
  ...over,
});
const task = (id: string, image: string, state: string, desiredState = "running"): SwarmTask => ({
  id,
  image,
  state,
  desiredState,
  containerId: `c-${id}`,
  error: state === "failed" ? "task: non-zero exit (1)" : "",
  slot: 1,
  nodeId: "n1",
});

describe("judgeRollout", () => {
  it("converged only when every wanted task runs the image, as many as the service wants", () => {
    const half = judgeRollout(
      service(),
      [task("a", "web:new", "running"), task("b", "web:old", "running")],
      "web:new",
      2,
    );
    expect(half).toMatchObject({ converged: false, failed: null });
    expect(half.summary).toBe(
      "1/2 task(s) running web:new, 1 still on another image (swarm update: updating)",
    );
    const starting = judgeRollout(
      service(),
      [task("a", "web:new", "running"), task("b", "web:new", "starting")],
      "web:new",
      2,
    );
    expect(starting.converged).toBe(false);
    const done = judgeRollout(
      service(),
      [task("a", "web:new", "running"), task("b", "web:new", "running")],
      "web:new",
      2,
    );
    expect(done.converged).toBe(true);
    expect(done.running.map((t) => t.id)).toEqual(["a", "b"]);
  });

  it("a spec on another image fails at once: swarm rolled back by itself, whatever the CLI said", () => {
    const view = judgeRollout(
      service({ image: "web:old", updateState: "rollback_completed" }),
      [task("a", "web:old", "running")],
      "web:new",
      2,
    );
    expect(view.failed).toMatch(/the service spec runs web:old, not web:new/);
  });

  it("a paused update fails with swarm's message; a completed rollback towards the image is fine", () => {
    expect(
      judgeRollout(
        service({ updateState: "paused", updateMessage: "update paused due to failure" }),
        [],
        "web:new",
        2,
      ).failed,
    ).toBe("swarm stopped the rollout (paused): update paused due to failure");
    const back = judgeRollout(
      service({ image: "web:old", replicas: 1, updateState: "rollback_completed" }),
      [task("a", "web:old", "running")],
      "web:old",
      2,
    );
    expect(back).toMatchObject({ converged: true, failed: null });
  });

  it("more failed tasks of the new image than allowed fail the rollout", () => {
    const tasks = [
      task("a", "web:new", "failed", "shutdown"),
      task("b", "web:new", "failed", "shutdown"),
      task("c", "web:new", "starting"),
    ];
    expect(judgeRollout(service(), tasks, "web:new", 2).failed).toBeNull();
    expect(judgeRollout(service(), tasks, "web:new", 1).failed).toBe(
      "2 task(s) of web:new failed (last: failed: task: non-zero exit (1))",
    );
  });

  it("a service scaled to zero never counts as converged", () => {
    expect(judgeRollout(service({ replicas: 0 }), [], "web:new", 2).converged).toBe(false);
  });
});
