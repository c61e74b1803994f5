import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../runner/cli/main.js";
import { parseArgs } from "../../../runner/cli/args.js";
import { exitCodeFor } from "../../../runner/cli/render.js";
import type { DeployResult, RunStart } from "../../../runner/journal/events.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";

function capture() {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
    out: () => out,
    err: () => err,
  };
}

describe("orchestrator-runner CLI", () => {
  it("prints usage, rejects unknown commands and options with exit 2", async () => {
    const a = capture();
    expect(await main([], a.io, {})).toBe(2);
    expect(a.out()).toContain("deploy <service>");
    const b = capture();
    expect(await main(["frobnicate"], b.io, {})).toBe(2);
    expect(b.err()).toContain("unknown command 'frobnicate'");
    const c = capture();
    expect(await main(["runs", "--limt", "3"], c.io, {})).toBe(2);
    expect(c.err()).toBe("orchestrator-runner runs: unknown option --limt\n");
    const d = capture();
    expect(await main(["runs", "--limit", "0"], d.io, {})).toBe(2);
    expect(d.err()).toContain("--limit must be a positive integer, got '0'");
  });

  it("deploy explains a missing config and an unknown service", async () => {
    const ws = mkdtempSync(join(tmpdir(), "cli-ws-"));
    const a = capture();
    expect(await main(["deploy", "web", "--workspace", ws], a.io, {})).toBe(2);
    expect(a.err()).toContain(`no .github/orchestrator.yml in ${ws}`);
    mkdirSync(join(ws, ".github"));
    writeFileSync(join(ws, ".github/orchestrator.yml"), "services:\n  api:\n    path: services/api\n");
    const b = capture();
    expect(
      await main(["deploy", "web", "--workspace", ws], b.io, { RUNNER_STATE_DIR: join(ws, "state") }),
    ).toBe(2);
    expect(b.err()).toContain("unknown service 'web'; configured: api");
    const c = capture();
    expect(await main(["deploy"], c.io, {})).toBe(2);
    expect(c.err()).toContain("deploy needs a service name");
  });

  it("runs and status show the journal's view, including runs that need reconciling", async () => {
    const state = mkdtempSync(join(tmpdir(), "cli-state-"));
    const env = { RUNNER_STATE_DIR: state };
    const empty = capture();
    await main(["runs"], empty.io, env);
    expect(empty.out()).toBe("no runs recorded\n");

    const start = (runId: string): RunStart => ({
      type: "run-start",
      at: "2026-01-01T00:00:00.000Z",
      runId,
      service: "web",
      composeService: "web",
      ref: "main",
      workspace: "/ws",
      project: "p",
      composeFiles: [],
      flavor: "v1",
      healthUrl: null,
      timeoutMs: 1,
      watchMs: 1,
      pid: 999_999,
      hostname: "elsewhere",
      meta: {},
    });
    const done = createRunDir(state, "20260101T000000000Z-web-aaaaaa");
    appendEvent(done, start("20260101T000000000Z-web-aaaaaa"));
    const result = {
      runId: "20260101T000000000Z-web-aaaaaa",
      status: "success",
      targetSha: "a".repeat(40),
      durationMs: 1500,
      finishedAt: "2026-01-01T00:00:02.000Z",
    } as DeployResult;
    appendEvent(done, { type: "result", at: "x", result });
    appendEvent(done, { type: "reported", at: "x", via: "cli" });
    const open = createRunDir(state, "20260102T000000000Z-web-bbbbbb");
    appendEvent(open, start("20260102T000000000Z-web-bbbbbb"));
    appendEvent(open, { type: "step-start", at: "x", step: "build" });

    const runs = capture();
    expect(await main(["runs"], runs.io, env)).toBe(0);
    const lines = runs.out().trim().split("\n");
    expect(lines[0]).toMatch(/^RUN\s+SERVICE\s+STATUS\s+TARGET\s+TIME\s+REPORT$/);
    expect(lines[1]).toMatch(
      /^20260102T000000000Z-web-bbbbbb\s+web\s+in progress\s+-\s+at build\s+unfinished$/,
    );
    expect(lines[2]).toMatch(
      /^20260101T000000000Z-web-aaaaaa\s+web\s+success\s+aaaaaaaaaaaa\s+1\.5 s\s+reported$/,
    );

    const status = capture();
    expect(await main(["status"], status.io, env)).toBe(0);
    expect(status.out()).toContain("needs reconcile: 20260102T000000000Z-web-bbbbbb (web, stopped at build)");
    const json = capture();
    await main(["runs", "--json", "--limit", "1"], json.io, env);
    expect((JSON.parse(json.out()) as unknown[]).length).toBe(1);
  });

  it("exit codes tell the outcome apart", () => {
    expect(
      ["success", "rolled_back", "rollback_failed", "failed", "refused"].map((s) =>
        exitCodeFor(s as DeployResult["status"]),
      ),
    ).toEqual([0, 3, 4, 1, 1]);
  });

  it("parseArgs handles --name=value, flags and missing values", () => {
    expect(parseArgs(["web", "--ref=abc", "--json"], ["ref"], ["json"])).toEqual({
      positional: ["web"],
      options: new Map<string, string | true>([
        ["ref", "abc"],
        ["json", true],
      ]),
    });
    expect(() => parseArgs(["--ref"], ["ref"])).toThrow("--ref needs a value");
    expect(() => parseArgs(["--json=1"], [], ["json"])).toThrow("--json takes no value");
  });
});
