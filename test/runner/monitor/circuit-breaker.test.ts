import { describe, expect, it } from "vitest";
import {
  allowsCheck,
  circuitAt,
  CLOSED,
  recordCheck,
  type Circuit,
} from "../../../runner/monitor/circuit-breaker.js";

const settings = { failureThreshold: 5, recoveryMs: 60_000, successThreshold: 2 };

function run(outcomes: boolean[], start: Circuit = CLOSED, at = 0): Circuit {
  return outcomes.reduce((c, ok) => recordCheck(c, ok, at, settings), start);
}

describe("circuit breaker", () => {
  it("stays closed through four failures and opens on the fifth", () => {
    const four = run([false, false, false, false]);
    expect(four).toMatchObject({ state: "closed", consecutiveFailures: 4 });
    const five = recordCheck(four, false, 1234, settings);
    expect(five).toEqual({ state: "open", consecutiveFailures: 5, halfOpenSuccesses: 0, openedAt: 1234 });
  });

  it("a good check resets the failure count while closed", () => {
    expect(run([false, false, false, false, true, false])).toMatchObject({
      state: "closed",
      consecutiveFailures: 1,
    });
  });

  it("suspends checks while open and goes half-open after the recovery time", () => {
    const open = run([false, false, false, false, false], CLOSED, 1000);
    expect(allowsCheck(open, 1000 + 59_999, settings)).toBe(false);
    expect(allowsCheck(open, 1000 + 60_000, settings)).toBe(true);
    expect(circuitAt(open, 1000 + 60_000, settings).state).toBe("half_open");
  });

  it("closes after two good checks in half-open", () => {
    const open = run([false, false, false, false, false], CLOSED, 0);
    const one = recordCheck(open, true, 60_000, settings);
    expect(one).toMatchObject({ state: "half_open", halfOpenSuccesses: 1, consecutiveFailures: 0 });
    expect(recordCheck(one, true, 61_000, settings)).toEqual(CLOSED);
  });

  it("opens again at once on a failure in half-open", () => {
    const open = run([false, false, false, false, false], CLOSED, 0);
    const one = recordCheck(open, true, 60_000, settings);
    const again = recordCheck(one, false, 61_000, settings);
    expect(again).toMatchObject({ state: "open", openedAt: 61_000 });
    expect(allowsCheck(again, 61_000 + 59_000, settings)).toBe(false);
  });

  it("honours other thresholds", () => {
    const custom = { failureThreshold: 1, recoveryMs: 10, successThreshold: 3 };
    const open = recordCheck(CLOSED, false, 0, custom);
    expect(open.state).toBe("open");
    const a = recordCheck(open, true, 10, custom);
    const b = recordCheck(a, true, 11, custom);
    expect(b.state).toBe("half_open");
    expect(recordCheck(b, true, 12, custom).state).toBe("closed");
  });
});
