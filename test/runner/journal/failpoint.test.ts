import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../../runner/journal/events.js";
import { FAILPOINT_ENV, JOURNAL_EVENT_TYPES, parseFailpoint } from "../../../runner/journal/failpoint.js";
import { readEvents } from "../../../runner/journal/journal-file.js";

describe("parseFailpoint", () => {
  const cases: Array<{ spec: string; want?: ReturnType<typeof parseFailpoint>; errorContains?: string }> = [
    { spec: "after:result", want: { type: "result", step: null, nth: 1 } },
    { spec: "after:step-start/build", want: { type: "step-start", step: "build", nth: 1 } },
    { spec: "after:process/up:2", want: { type: "process", step: "up", nth: 2 } },
    { spec: " after:reported:1 ", want: { type: "reported", step: null, nth: 1 } },
    { spec: "before:result", errorContains: "is malformed" },
    { spec: "after:finished", errorContains: "unknown event type 'finished'" },
    { spec: "after:result:0", errorContains: "counts from 1" },
    { spec: "after:result:x", errorContains: "ORCHESTRATOR_FAILPOINT='after:result:x' is malformed" },
  ];
  for (const { spec, want, errorContains } of cases) {
    it(`${JSON.stringify(spec)} -> ${want ? JSON.stringify(want) : errorContains}`, () => {
      if (want) expect(parseFailpoint(spec)).toEqual(want);
      else expect(() => parseFailpoint(spec)).toThrow(errorContains);
    });
  }
});

describe("JOURNAL_EVENT_TYPES", () => {
  it("lists each event type of the journal once", () => {
    const types: Record<JournalEvent["type"], true> = {
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
    expect([...JOURNAL_EVENT_TYPES].sort()).toEqual(Object.keys(types).sort());
  });
});

describe("failpointAfter (through appendEvent)", () => {
  const JOURNAL = join(process.cwd(), "runner/journal/journal-file.ts");

  /** Appends step-start/end events for three steps in a child process with the failpoint set. */
  function appendInChild(failpoint: string): { signal: NodeJS.Signals | null; events: JournalEvent[] } {
    const dir = mkdtempSync(join(tmpdir(), "failpoint-"));
    const script = `import { appendEvent } from ${JSON.stringify(JOURNAL)};
for (const step of ["prepare", "build", "up"]) {
  appendEvent(${JSON.stringify(dir)}, { type: "step-start", at: "t", step });
  appendEvent(${JSON.stringify(dir)}, { type: "step-end", at: "t", step, ok: true, durationMs: 1, detail: "" });
}`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      env: { ...process.env, [FAILPOINT_ENV]: failpoint },
      encoding: "utf8",
    });
    return { signal: child.signal, events: readEvents(dir) };
  }

  it("kills the process right after the nth matching event is on disk", () => {
    const { signal, events } = appendInChild("after:step-end:2");
    expect(signal).toBe("SIGKILL");
    expect(events.map((e) => `${e.type}/${"step" in e ? e.step : ""}`)).toEqual([
      "step-start/prepare",
      "step-end/prepare",
      "step-start/build",
      "step-end/build",
    ]);
  });

  it("counts only events of the named step", () => {
    const { signal, events } = appendInChild("after:step-start/up");
    expect(signal).toBe("SIGKILL");
    expect(events).toHaveLength(5);
  });

  it("never fires when its event does not come", () => {
    const { signal, events } = appendInChild("after:result");
    expect(signal).toBeNull();
    expect(events).toHaveLength(6);
  });
});
