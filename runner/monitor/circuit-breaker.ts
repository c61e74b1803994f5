/**
 * A circuit breaker per service, as a pure state machine: closed -> open after `failureThreshold`
 * consecutive failed checks (no checks while open), half-open once `recoveryMs` has passed, closed
 * again after `successThreshold` consecutive good checks in half-open; a failure in half-open opens it
 * again at once.
 */

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitSettings {
  failureThreshold: number;
  recoveryMs: number;
  successThreshold: number;
}

export interface Circuit {
  state: CircuitState;
  /** Failed checks in a row (reset by a good check). */
  consecutiveFailures: number;
  /** Good checks in a row while half-open. */
  halfOpenSuccesses: number;
  /** When it last opened (epoch ms), null while it never did. */
  openedAt: number | null;
}

export const CLOSED: Circuit = {
  state: "closed",
  consecutiveFailures: 0,
  halfOpenSuccesses: 0,
  openedAt: null,
};

/** The circuit as of `now`: an open one whose recovery time has passed is half-open. */
export function circuitAt(circuit: Circuit, now: number, settings: CircuitSettings): Circuit {
  if (circuit.state === "open" && circuit.openedAt !== null && now - circuit.openedAt >= settings.recoveryMs)
    return { ...circuit, state: "half_open", halfOpenSuccesses: 0 };
  return circuit;
}

/** Whether a check may run now (not while open). */
export function allowsCheck(circuit: Circuit, now: number, settings: CircuitSettings): boolean {
  return circuitAt(circuit, now, settings).state !== "open";
}

/** The circuit after one check's outcome at `now`. */
export function recordCheck(circuit: Circuit, ok: boolean, now: number, settings: CircuitSettings): Circuit {
  const current = circuitAt(circuit, now, settings);
  if (ok) {
    if (current.state === "half_open") {
      const successes = current.halfOpenSuccesses + 1;
      if (successes >= settings.successThreshold) return { ...CLOSED };
      return { ...current, consecutiveFailures: 0, halfOpenSuccesses: successes };
    }
    return { ...current, consecutiveFailures: 0, halfOpenSuccesses: 0 };
  }
  const failures = current.consecutiveFailures + 1;
  if (current.state === "half_open" || failures >= settings.failureThreshold)
    return { state: "open", consecutiveFailures: failures, halfOpenSuccesses: 0, openedAt: now };
  return { ...current, consecutiveFailures: failures, halfOpenSuccesses: 0 };
}
