import { mkdtempSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeployResult, JournalEvent, RunStart, StepName } from "../../../runner/journal/events.js";
import {
  appendEvent,
  createRunDir,
  JOURNAL_FILE,
  listRunIds,
  readEvents,
} from "../../../runner/journal/journal-file.js";
import { recoveryAction, viewRun } from "../../../runner/journal/run-view.js";

const at = "2026-01-01T00:00:00.000Z";
const start: RunStart = {
  type: "run-start",
  at,
  runId: "r1",
  service: "web",
  composeService: "web",
  ref: "main",
  workspace: "/ws",
  project: "p",
  composeFiles: [],
  flavor: "v1",
  healthUrl: null,
  timeoutMs: 1000,
  watchMs: 1000,
  pid: 1,
  hostname: "h",
  meta: {},
};
const started = (...steps: StepName[]): JournalEvent[] =>
  steps.map((step) => ({ type: "step-start", at, step }));
const result = { status: "success" } as DeployResult;

describe("recoveryAction: what a restarted runner does with a run", () => {
  it.each([
    [[start], "abandon"],
    [[start, ...started("prepare", "checkout", "build")], "abandon"],
    [[start, ...started("prepare", "checkout", "build", "up")], "settle"],
    [[start, ...started("prepare", "build", "up", "verify")], "settle"],
    [[start, ...started("prepare", "build", "up", "verify", "rollback-tag")], "rollback"],
    // A failed first deploy stopping its container: stop it again after a restart.
    [[start, ...started("prepare", "build", "up", "verify", "stop")], "rollback"],
    [
      [
        start,
        ...started(
          "prepare",
          "build",
          "up",
          "verify",
          "rollback-tag",
          "rollback-up",
          "rollback-verify",
          "restore-workspace",
        ),
      ],
      "rollback",
    ],
    [[start, { type: "result", at, result }], "report"],
    [[start, { type: "result", at, result }, { type: "reported", at, via: "cli" }], "none"],
  ] as Array<[JournalEvent[], string]>)("%#", (events, action) => {
    expect(recoveryAction(viewRun("r1", events))).toBe(action);
  });

  it("tracks open steps, compose pids and the built image", () => {
    const view = viewRun("r1", [
      start,
      { type: "step-start", at, step: "build" },
      { type: "process", at, step: "build", pid: 42 },
      {
        type: "step-end",
        at,
        step: "build",
        ok: true,
        durationMs: 5,
        detail: "built",
        imageId: "sha256:new",
      },
      { type: "step-start", at, step: "up" },
    ]);
    expect(view.openStep).toBe("up");
    expect(view.processes).toEqual([{ step: "build", pid: 42 }]);
    expect(view.builtImageId).toBe("sha256:new");
    expect(view.state).toBe("running");
  });
});

describe("journal file", () => {
  it("appends fsync'd JSON lines, ignores a torn last line, and lists runs oldest first", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const b = createRunDir(state, "20260102T000000000Z-web-bbbbbb");
    const a = createRunDir(state, "20260101T000000000Z-web-aaaaaa");
    appendEvent(a, start);
    appendEvent(a, { type: "step-start", at, step: "prepare" });
    appendFileSync(join(a, JOURNAL_FILE), '{"type":"step-end","at":"'); // killed mid-write
    appendEvent(b, start);
    expect(readEvents(a).map((e) => e.type)).toEqual(["run-start", "step-start"]);
    expect(listRunIds(state)).toEqual(["20260101T000000000Z-web-aaaaaa", "20260102T000000000Z-web-bbbbbb"]);
  });

  it("a torn line in the middle is skipped with a warning naming the line", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, "r");
    appendFileSync(join(dir, JOURNAL_FILE), "{oops\n");
    appendEvent(dir, start);
    const warnings: string[] = [];
    expect(readEvents(dir, (m) => warnings.push(m))).toEqual([start]);
    expect(warnings).toEqual([expect.stringMatching(/line 1 is not JSON/)]);
  });

  it("redacts secrets before they reach the disk", () => {
    const state = mkdtempSync(join(tmpdir(), "journal-"));
    const dir = createRunDir(state, "r");
    const token = `ghs_${"a".repeat(36)}`;
    appendEvent(dir, { ...start, meta: { note: `token ${token}` } });
    expect(JSON.stringify(readEvents(dir))).not.toContain(token);
  });
});

describe("a start-first switch in the journal", () => {
  const plan = { drainMs: 0, preStop: null, stopGraceS: 1 };
  const switching: JournalEvent[] = [
    start,
    ...started("prepare", "build"),
    { type: "switch-plan", at, oldContainers: ["old1"], scale: 2, plan },
    ...started("scale-up"),
  ];

  it("is finished by the `switch` action from the switch plan on, until a result", () => {
    expect(recoveryAction(viewRun("r1", [start, ...started("prepare", "build")]))).toBe("abandon");
    expect(recoveryAction(viewRun("r1", switching))).toBe("switch");
    expect(recoveryAction(viewRun("r1", [...switching, { type: "result", at, result }]))).toBe("report");
  });

  it("records the old set, the new container and how far the switch got", () => {
    const view = viewRun("r1", [
      ...switching,
      { type: "new-container", at, containerId: "new1" },
      { type: "new-verified", at, containerId: "new1" },
    ]);
    expect(view.switch).toEqual({
      oldContainers: ["old1"],
      plan,
      newContainer: "new1",
      verified: true,
      oldRemoved: false,
      newRemoved: false,
    });
    const done = viewRun("r1", [...switching, { type: "old-removed", at, containerIds: ["old1"] }]);
    expect(done.switch?.oldRemoved).toBe(true);
    expect(viewRun("r1", [start]).switch).toBeNull();
  });
});
