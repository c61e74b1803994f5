/**
 * Test-only fault injection: `ORCHESTRATOR_FAILPOINT=after:<event-type>[:<nth>]` makes the runner
 * SIGKILL itself right after the nth (default first) journal event of that type is durably appended,
 * so a test can stop it exactly at a step boundary. Unset (the normal case) it does nothing.
 * `<event-type>` may name a step too (`after:step-start/build`): then only events of that step count.
 */
import type { JournalEvent } from "./events.js";

export const FAILPOINT_ENV = "ORCHESTRATOR_FAILPOINT";

/** Every journal event type, checked against the JournalEvent union at compile time (both ways). */
const EVENT_TYPES_RECORD: Record<JournalEvent["type"], true> = {
  "run-start": true,
  resolved: true,
  "rollback-point": true,
  "step-start": true,
  process: true,
  "step-end": true,
  "switch-plan": true,
  "new-container": true,
  "new-verified": true,
  "old-removed": true,
  "new-removed": true,
  "swarm-target": true,
  result: true,
  reported: true,
};
export const JOURNAL_EVENT_TYPES = Object.keys(EVENT_TYPES_RECORD) as Array<JournalEvent["type"]>;

export interface Failpoint {
  type: JournalEvent["type"];
  step: string | null;
  nth: number;
}

/** Parses the failpoint spec; throws naming what is wrong, so a typo never silently disables a test. */
export function parseFailpoint(spec: string): Failpoint {
  const match = /^after:([a-z-]+)(?:\/([a-z-]+))?(?::(\d+))?$/.exec(spec.trim());
  const bad = (why: string) =>
    new Error(`${FAILPOINT_ENV}='${spec}' ${why}; expected after:<event-type>[/<step>][:<nth>]`);
  if (!match) throw bad("is malformed");
  const type = match[1] as JournalEvent["type"];
  if (!JOURNAL_EVENT_TYPES.includes(type))
    throw bad(`names unknown event type '${match[1]}' (known: ${JOURNAL_EVENT_TYPES.join(", ")})`);
  const nth = match[3] === undefined ? 1 : Number(match[3]);
  if (nth < 1) throw bad("counts from 1");
  return { type, step: match[2] ?? null, nth };
}

/** Matching events seen by this process so far. */
let seen = 0;
let parsed: { spec: string; point: Failpoint } | null = null;

function eventStep(event: JournalEvent): string | null {
  return "step" in event ? event.step : null;
}

/** Called by appendEvent after the event is on disk: kills this process when the failpoint is reached. */
export function failpointAfter(event: JournalEvent, env: NodeJS.ProcessEnv = process.env): void {
  const spec = env[FAILPOINT_ENV];
  if (!spec) return;
  if (parsed?.spec !== spec) {
    parsed = { spec, point: parseFailpoint(spec) };
    seen = 0;
  }
  const { point } = parsed;
  if (event.type !== point.type || (point.step !== null && eventStep(event) !== point.step)) return;
  seen += 1;
  if (seen === point.nth) process.kill(process.pid, "SIGKILL");
}
