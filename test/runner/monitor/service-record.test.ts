import { describe, expect, it } from "vitest";
import { checkOutcome, failedCheck, type CheckOutcome } from "../../../runner/monitor/check-outcome.js";
import { applyCheck, EMPTY_RECORD, type ServiceRecord } from "../../../runner/monitor/service-record.js";
import { container } from "./outcomes.js";

const settings = {
  failureThreshold: 5,
  recoveryMs: 60_000,
  successThreshold: 2,
  unhealthyThreshold: 3,
  crashLoopRestarts: 3,
};

const good = (restartCount = 0, id = "c1") => checkOutcome({ container: container({ restartCount, id }) });
const exited = (id = "c1") =>
  checkOutcome({ container: container({ id, running: false, status: "exited", exitCode: 137 }) });
const http500 = () =>
  checkOutcome({ container: container(), http: { ok: false, status: 500, detail: "GET u -> HTTP 500" } });

function apply(outcomes: CheckOutcome[], start: ServiceRecord = EMPTY_RECORD) {
  let record = start;
  const opened = [];
  const closed = [];
  let t = 1_000;
  for (const outcome of outcomes) {
    const applied = applyCheck(record, outcome, 12.4, (t += 1000), settings);
    record = applied.record;
    if (applied.opened) opened.push(applied.opened);
    if (applied.closed) closed.push(applied.closed);
  }
  return { record, opened, closed };
}

describe("applyCheck", () => {
  it("counts checks, good checks, and keeps the last response time and error", () => {
    const { record } = apply([good(), http500(), good()]);
    expect(record).toMatchObject({
      totalChecks: 3,
      successfulChecks: 2,
      lastOk: true,
      responseTimeMs: 12,
      errorMessage: null,
    });
    const failed = apply([good(), http500()]).record;
    expect(failed.errorMessage).toBe("GET u -> HTTP 500");
    expect(failed.circuit.consecutiveFailures).toBe(1);
  });

  it("an exited container is an incident at once, reported once while it stays down", () => {
    const { record, opened } = apply([good(), exited(), exited(), exited()]);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: "exited", check: "exited", exitCode: 137, reported: false });
    expect(record.incident?.kind).toBe("exited");
  });

  it("failing health makes an incident on the unhealthy_threshold-th failure only", () => {
    const two = apply([good(), http500(), http500()]);
    expect(two.opened).toEqual([]);
    const three = apply([good(), http500(), http500(), http500()]);
    expect(three.opened).toHaveLength(1);
    expect(three.opened[0]).toMatchObject({ kind: "unhealthy", check: "http", failedChecks: 3 });
  });

  it("restarts since the last good check make a crash-loop, even when each check finds it running", () => {
    const { opened } = apply([good(0), good(1), good(2), good(3)]);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: "crash_loop", restarts: 3, restartCount: 3 });
  });

  it("a container seen restarting is a crash-loop", () => {
    const restarting = checkOutcome({ container: container({ restarting: true, restartCount: 1 }) });
    expect(apply([good(), restarting]).opened[0]?.kind).toBe("crash_loop");
  });

  it("closes the incident on a good check without a new restart, and the next failure is a new incident", () => {
    const result = apply([good(), exited(), good(0), exited()]);
    expect(result.opened.map((i) => i.kind)).toEqual(["exited", "exited"]);
    expect(result.closed).toHaveLength(1);
  });

  it("does not close a crash-loop while the container keeps restarting", () => {
    const result = apply([good(0), good(1), good(2), good(3), good(4)]);
    expect(result.opened).toHaveLength(1);
    expect(result.closed).toHaveLength(0);
    expect(apply([good(5)], result.record).closed).toHaveLength(0);
    expect(apply([good(4)], result.record).closed).toHaveLength(1);
  });

  it("a replaced container (a deploy) ends the old incident and restarts its count", () => {
    const before = apply([good(0, "a"), exited("a")]);
    const after = apply([good(7, "b"), good(7, "b")], before.record);
    expect(after.closed).toHaveLength(1);
    expect(after.opened).toEqual([]);
    expect(after.record.restartBaseline).toBe(7);
  });

  it("missing containers and Docker API failures are failed checks but no incident", () => {
    const { record, opened } = apply([
      checkOutcome({ container: null }),
      failedCheck("docker", "daemon down"),
      checkOutcome({ container: null }),
      failedCheck("check_timeout", "no answer"),
    ]);
    expect(opened).toEqual([]);
    expect(record.circuit.consecutiveFailures).toBe(4);
  });

  it("the fifth failure opens the circuit", () => {
    const { record } = apply([http500(), http500(), http500(), http500(), http500()]);
    expect(record.circuit.state).toBe("open");
  });
});
