import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../runner/cli/main.js";
import type { RunStart } from "../../../runner/journal/events.js";
import { allRuns } from "../../../runner/journal/history.js";
import {
  appendEvent,
  createRunDir,
  JOURNAL_FILE,
  JournalWriteError,
  readEvents,
} from "../../../runner/journal/journal-file.js";
import { quarantinePath } from "../../../runner/journal/quarantine.js";
import { reconcile } from "../../../runner/pipeline/reconcile.js";
import { recordingReporter } from "../recording-reporter.js";

function startEvent(runId: string, workspace = "/ws"): RunStart {
  return {
    type: "run-start",
    at: "2026-01-01T00:00:00.000Z",
    runId,
    service: "web",
    composeService: "web",
    ref: "main",
    workspace,
    project: "p",
    composeFiles: [],
    flavor: "v1",
    healthUrl: null,
    timeoutMs: 1000,
    watchMs: 1000,
    pid: process.pid,
    hostname: hostname(),
    meta: {},
  };
}

const A = "20260101T000000000Z-web-aaaaaa";
const B = "20260102T000000000Z-web-bbbbbb";

function collect(): { warn: (m: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { warn: (m) => void messages.push(m), messages };
}

function capture() {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
    out: () => out,
    err: () => err,
  };
}

describe("readEvents", () => {
  it("skips a torn last line, records it in the quarantine file and warns once naming file and line", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    appendEvent(dir, startEvent(A));
    appendEvent(dir, { type: "step-start", at: "2026-01-01T00:00:01.000Z", step: "prepare" });
    appendFileSync(join(dir, JOURNAL_FILE), '{"type":"step-end","at":"2026'); // killed mid-append
    const first = collect();
    expect(readEvents(dir, first.warn).map((e) => e.type)).toEqual(["run-start", "step-start"]);
    const journal = join(dir, JOURNAL_FILE);
    expect(first.messages).toEqual([
      `journal ${journal} line 3 is a torn last line (no newline); skipped, recorded in ${quarantinePath(journal)}`,
    ]);
    const records = readFileSync(quarantinePath(journal), "utf8").trim().split("\n");
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!)).toMatchObject({ line: 3, text: '{"type":"step-end","at":"2026' });

    const again = collect();
    expect(readEvents(dir, again.warn)).toHaveLength(2);
    expect(again.messages).toEqual([]);
    expect(readFileSync(quarantinePath(journal), "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("skips a corrupt middle line and keeps every event around it", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    appendEvent(dir, startEvent(A));
    appendFileSync(join(dir, JOURNAL_FILE), '{oops\n["an array"]\n');
    appendEvent(dir, { type: "step-start", at: "2026-01-01T00:00:01.000Z", step: "prepare" });
    const seen = collect();
    expect(readEvents(dir, seen.warn).map((e) => e.type)).toEqual(["run-start", "step-start"]);
    expect(seen.messages).toHaveLength(2);
    expect(seen.messages[0]).toMatch(/journal .*journal\.jsonl line 2 is not JSON; skipped, recorded in /);
    expect(seen.messages[1]).toMatch(/line 3 is not a journal event; skipped/);
  });

  it("an append after a torn line starts a new line, so both sides of the tear survive", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    appendEvent(dir, startEvent(A));
    appendFileSync(join(dir, JOURNAL_FILE), '{"type":"step-st');
    appendEvent(dir, { type: "step-start", at: "2026-01-01T00:00:01.000Z", step: "prepare" });
    const seen = collect();
    expect(readEvents(dir, seen.warn).map((e) => e.type)).toEqual(["run-start", "step-start"]);
    expect(seen.messages).toEqual([expect.stringMatching(/line 2 is not JSON/)]);
  });

  it("still reads when the quarantine cannot be written, and says so", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    appendEvent(dir, startEvent(A));
    appendFileSync(join(dir, JOURNAL_FILE), "{oops\n");
    // A directory where the quarantine file would go makes every write to it fail, even as root.
    mkdirSync(quarantinePath(join(dir, JOURNAL_FILE)));
    const seen = collect();
    expect(readEvents(dir, seen.warn)).toHaveLength(1);
    expect(seen.messages).toEqual([
      expect.stringMatching(/line 2 is not JSON; skipped, could not be recorded in .*quarantine: .*EISDIR/),
    ]);
  });

  it("a journal that cannot be read at all reads as empty with a warning", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    // A directory in place of the file: reading it fails with EISDIR whoever we are.
    mkdirSync(join(dir, JOURNAL_FILE));
    const seen = collect();
    expect(readEvents(dir, seen.warn)).toEqual([]);
    expect(seen.messages).toEqual([
      expect.stringMatching(/journal .*journal\.jsonl cannot be read .*EISDIR.*run skipped/),
    ]);
  });
});

describe("a corrupt journal never blocks anything else", () => {
  function twoRuns(): { state: string; a: string; b: string } {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const a = createRunDir(state, A);
    const b = createRunDir(state, B);
    appendEvent(a, startEvent(A));
    appendFileSync(join(a, JOURNAL_FILE), "\u0000\u0000garbage\n");
    appendEvent(b, startEvent(B));
    return { state, a, b };
  }

  it("history lists every run", () => {
    const { state } = twoRuns();
    expect(allRuns(state).map((r) => [r.runId, r.start?.runId])).toEqual([
      [A, A],
      [B, B],
    ]);
  });

  it("`runs` and `status` succeed", async () => {
    const { state } = twoRuns();
    const runs = capture();
    expect(await main(["runs", "--json"], runs.io, { RUNNER_STATE_DIR: state })).toBe(0);
    expect(runs.out()).toContain(A);
    expect(runs.out()).toContain(B);
    const status = capture();
    expect(await main(["status"], status.io, { RUNNER_STATE_DIR: state })).toBe(0);
    expect(status.err()).toBe("");
  });

  it("reconcile finishes a run killed mid-append, and a second pass finds nothing to do", async () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const workspace = mkdtempSync(join(tmpdir(), "journal-ws-"));
    const dir = createRunDir(state, A);
    // Not ours and not alive: a runner that was killed while writing its step-end.
    appendEvent(dir, { ...startEvent(A, workspace), pid: 2 ** 22 + 1 });
    appendEvent(dir, { type: "step-start", at: "2026-01-01T00:00:01.000Z", step: "prepare" });
    appendFileSync(join(dir, JOURNAL_FILE), '{"type":"step-end","at":"20');
    const reporter = recordingReporter();
    const outcomes = await reconcile({ stateDir: state, reporter });
    expect(outcomes.map((o) => [o.runId, o.action, o.result?.status])).toEqual([[A, "abandon", "failed"]]);
    expect(await reconcile({ stateDir: state, reporter })).toEqual([]);
    expect(reporter.finished).toHaveLength(1);
    const types = readEvents(dir, () => {}).map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["run-start", "step-start"]);
    expect(types.slice(-2)).toEqual(["result", "reported"]);
  });
});

describe("appendEvent", () => {
  it("passes its write function through, so a short write completes and a full disk is an error", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, A);
    let calls = 0;
    const oneByte = {
      write: (fd: number, buffer: Buffer, offset: number) => {
        calls++;
        return writeSync(fd, buffer, offset, 1);
      },
      fsync: () => {},
    };
    appendEvent(dir, startEvent(A), oneByte);
    expect(readEvents(dir)).toEqual([startEvent(A)]);
    expect(calls).toBe(readFileSync(join(dir, JOURNAL_FILE)).length);

    const full = {
      write: () => {
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      },
      fsync: () => {},
    };
    expect(() => appendEvent(dir, startEvent(A), full)).toThrow(JournalWriteError);
    expect(readEvents(dir)).toEqual([startEvent(A)]);
    expect(existsSync(quarantinePath(join(dir, JOURNAL_FILE)))).toBe(false);
  });
});
