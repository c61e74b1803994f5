import { describe, expect, it } from "vitest";
import type {
  DeployResult,
  DeployStatus,
  JournalEvent,
  RunStart,
  StepName,
} from "../../../runner/journal/events.js";
import { viewRun, type RunView } from "../../../runner/journal/run-view.js";
import { serviceStatuses } from "../../../runner/journal/service-status.js";
import { renderStatus } from "../../../runner/cli/render.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

function start(runId: string, service = "web"): RunStart {
  return {
    type: "run-start",
    at: `${runId}-start`,
    runId,
    service,
    composeService: service,
    ref: "HEAD",
    workspace: "/ws",
    project: "p",
    composeFiles: [],
    flavor: "v1",
    healthUrl: null,
    timeoutMs: 1,
    watchMs: 1,
    pid: 1,
    hostname: "h",
    meta: {},
  };
}

function run(
  runId: string,
  status: DeployStatus,
  target: string | null,
  previous: string | null,
  steps: StepName[] = [],
): RunView {
  const result = {
    runId,
    service: "web",
    ref: "HEAD",
    status,
    reason: `${status} because`,
    targetSha: target,
    previousSha: previous,
    steps: steps.map((step) => ({ step, ok: true, durationMs: 1, detail: "" })),
    finishedAt: `${runId}-end`,
  } as DeployResult;
  const events: JournalEvent[] = [
    start(runId),
    { type: "result", at: "x", result },
    { type: "reported", at: "x", via: "cli" },
  ];
  return viewRun(runId, events);
}

describe("serviceStatuses: what is live, apart from what failed", () => {
  it("a rollback keeps the previous version live and the broken attempt as the failure", () => {
    const [web] = serviceStatuses([run("r1", "success", A, null), run("r2", "rolled_back", B, A)]);
    expect(web).toEqual({
      service: "web",
      state: "live",
      live: { sha: A, since: "r2-end", runId: "r2", via: "rollback" },
      lastFailure: {
        runId: "r2",
        status: "rolled_back",
        ref: "HEAD",
        sha: B,
        at: "r2-end",
        reason: "rolled_back because",
      },
      inProgress: null,
    });
  });

  it.each([
    ["a build failure leaves the live version alone", run("r2", "failed", B, A, ["build"]), "live", A],
    ["a refusal before the ref resolved has no SHA", run("r2", "refused", null, null), "live", A],
    [
      "a stopped first deploy: nothing serves",
      run("r2", "failed", B, A, ["up", "verify", "stop"]),
      "stopped",
      null,
    ],
    ["a failed rollback: unknown", run("r2", "rollback_failed", B, A), "unknown", null],
  ] as const)("%s", (_name, failure, state, liveSha) => {
    const [web] = serviceStatuses([run("r1", "success", A, null), failure]);
    expect(web!.state).toBe(state);
    expect(web!.live?.sha ?? null).toBe(liveSha);
    expect(web!.lastFailure).toMatchObject({ runId: "r2", sha: failure.targetSha, status: failure.status });
  });

  it("a later success clears the failure; a run without a result is in progress; services apart", () => {
    const open = viewRun("r4", [start("r4"), { type: "step-start", at: "x", step: "build" }]);
    const other = run("o1", "success", C, null);
    other.start = start("o1", "api");
    const statuses = serviceStatuses([
      run("r1", "rolled_back", B, A),
      run("r2", "success", C, A),
      other,
      open,
    ]);
    expect(statuses.map((s) => [s.service, s.state, s.live?.sha, s.lastFailure])).toEqual([
      ["web", "live", C, null],
      ["api", "live", C, null],
    ]);
    expect(statuses[0]!.inProgress).toEqual({
      runId: "r4",
      ref: "HEAD",
      sha: null,
      step: "build",
      startedAt: "r4-start",
    });
    expect(serviceStatuses([run("r1", "failed", B, null)])[0]!.state).toBe("none");
  });
});

describe("renderStatus", () => {
  it("names the state dir, the live version, the failed attempt and what is in progress", () => {
    const open = viewRun("r3", [start("r3"), { type: "step-start", at: "x", step: "up" }]);
    const out = renderStatus(
      { path: "/s", exists: true },
      [run("r1", "success", A, null), run("r2", "refused", null, null), open],
      [{ service: "web", owner: "pid 7 on h (run r3)" }],
    );
    expect(out).toBe(
      [
        "state dir: /s",
        "web",
        `  live:   ${A.slice(0, 12)}  since r1-end  run r1 (deployed and verified)`,
        "  failed: ref HEAD  at r2-end  run r2 (refused): refused because",
        "  in progress: ref HEAD  since r3-start  run r3 (at up)",
        "locked: web by pid 7 on h (run r3)",
        "needs reconcile: r3 (web, stopped at up)",
        "",
      ].join("\n"),
    );
    expect(renderStatus({ path: "/none", exists: false }, [], [])).toBe(
      "state dir: /none (does not exist: no deploys recorded)\n",
    );
    expect(renderStatus({ path: "/e", exists: true }, [], [])).toBe(
      "state dir: /e (empty: no deploys recorded)\n",
    );
  });
});
