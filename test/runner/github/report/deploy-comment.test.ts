import { describe, expect, it } from "vitest";
import { ROLLED_BACK_PREFIX } from "../../../../contract/outcome.js";
import { deployCommentMarker, findDeployCommentMarker } from "../../../../contract/markers.js";
import { redactor } from "../../../../src/redact/redactor.js";
import type { DeployResult, DeployStatus } from "../../../../runner/journal/events.js";
import { shortDescription } from "../../../../github/deployments.js";
import {
  checkActions,
  checkConclusion,
  finalStatus,
  formatDuration,
  publicEnvironmentUrl,
  renderCheckOutput,
  renderDeployComment,
  stepRows,
  type DeployCommentModel,
} from "../../../../runner/github/report/deploy-comment.js";

function result(status: DeployStatus, reason = "why", extra: Partial<DeployResult> = {}): DeployResult {
  return {
    runId: "r1",
    service: "web",
    ref: "b".repeat(40),
    targetSha: "b".repeat(40),
    previousSha: "a".repeat(40),
    status,
    reason,
    steps: [],
    rollbackPoint: null,
    verify: null,
    rollbackVerify: null,
    workspaceSha: null,
    artifactsDir: "/tmp/x",
    startedAt: "2025-01-01T00:00:00Z",
    finishedAt: "2025-01-01T00:00:05Z",
    durationMs: 65_000,
    reconciled: false,
    meta: {},
    ...extra,
  };
}

const model = (over: Partial<DeployCommentModel> = {}): DeployCommentModel => ({
  deploymentId: 42,
  service: "web",
  environment: "production",
  sha: "b".repeat(40),
  runner: "host-1",
  steps: [],
  result: null,
  ...over,
});

describe("finalStatus", () => {
  const table: Array<[DeployStatus, string, string, string]> = [
    ["success", "deployed bbb", "success", "deployed bbbbbbbbbbbb in 1 min 5 s"],
    [
      "rolled_back",
      "verification failed: HTTP 500;\n rolled back",
      "failure",
      `${ROLLED_BACK_PREFIX} verification failed: HTTP 500; rolled back`,
    ],
    [
      "rollback_failed",
      "the old version did not verify",
      "failure",
      "rollback failed: the old version did not verify",
    ],
    [
      "failed",
      "build failed; the running container was not touched",
      "failure",
      "build failed; the running container was not touched",
    ],
    [
      "refused",
      "workspace has uncommitted changes",
      "error",
      "not started: workspace has uncommitted changes",
    ],
  ];
  for (const [status, reason, state, description] of table) {
    it(`${status} -> ${state}`, () => {
      expect(finalStatus(result(status, reason))).toEqual({ state, description });
    });
  }
  it("only a successful rollback starts with the prefix the app reacts to", () => {
    for (const status of ["success", "rollback_failed", "failed", "refused"] as const) {
      expect(
        finalStatus(result(status, "rolled back: not really")).description.startsWith(ROLLED_BACK_PREFIX),
      ).toBe(false);
    }
  });
});

describe("check run conclusion and buttons", () => {
  const table: Array<[DeployStatus, string, string[]]> = [
    ["success", "success", ["rollback"]],
    ["rolled_back", "failure", ["retry"]],
    ["failed", "failure", ["retry"]],
    ["refused", "failure", ["retry"]],
    ["rollback_failed", "failure", ["retry", "rollback"]],
  ];
  for (const [status, conclusion, ids] of table) {
    it(`${status}: ${conclusion} with ${ids.join(", ")}`, () => {
      expect(checkConclusion(status)).toBe(conclusion);
      const actions = checkActions(status);
      expect(actions.map((a) => a.identifier)).toEqual(ids);
      for (const a of actions) {
        expect(a.label.length).toBeLessThanOrEqual(20);
        expect(a.description.length).toBeLessThanOrEqual(40);
      }
    });
  }
});

describe("container log evidence, from the result's verify summaries", () => {
  const failedVerify = (logsTail?: string) => ({
    ok: false,
    phase: "start",
    reason: "GET /health -> HTTP 404",
    probes: [],
    ...(logsTail === undefined ? {} : { logsTail }),
  });

  it("shows the tail the pipeline carried, in a code block", () => {
    const body = renderDeployComment(
      model({
        result: result("rolled_back", "verification failed", {
          verify: failedVerify("booting\nfatal: db down"),
        }),
      }),
    );
    expect(body).toContain(
      "<summary>Container log (last lines, redacted)</summary>\n\n```\nbooting\nfatal: db down\n```",
    );
    expect(body).not.toContain("after the rollback");
  });

  it("keeps only the last 40 lines", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `l${i}`).join("\n");
    const body = renderDeployComment(
      model({ result: result("failed", "x", { verify: failedVerify(lines) }) }),
    );
    expect(body).toContain("```\nl60\n");
    expect(body).toContain("l99\n```");
    expect(body).not.toMatch(/^l59$/m);
  });

  it("adds the log after a failed rollback as its own section", () => {
    const body = renderDeployComment(
      model({
        result: result("rollback_failed", "x", {
          verify: failedVerify("new version log"),
          rollbackVerify: failedVerify("old version log"),
        }),
      }),
    );
    expect(body).toContain("Container log (last lines, redacted)</summary>\n\n```\nnew version log");
    expect(body).toContain(
      "Container log after the rollback (last lines, redacted)</summary>\n\n```\nold version log",
    );
  });

  it("has no log section when there is no tail, or only whitespace", () => {
    for (const verify of [failedVerify(), failedVerify("  \n ")]) {
      const body = renderDeployComment(model({ result: result("failed", "x", { verify }) }));
      expect(body).not.toContain("Container log");
    }
  });

  it("check run text carries the same evidence", () => {
    const out = renderCheckOutput(
      model({ result: result("rolled_back", "x", { verify: failedVerify("fatal: db down") }) }),
    );
    expect(out.text).toContain("fatal: db down");
  });
});

describe("publicEnvironmentUrl", () => {
  const table: Array<[string | null, string | null]> = [
    [null, null],
    ["not a url", null],
    ["http://127.0.0.1:8000/health", null],
    ["http://localhost:8000/health", null],
    ["http://10.1.2.3/health", null],
    ["http://172.20.0.5/health", null],
    ["http://192.168.1.10/health", null],
    ["http://[::1]:8000/health", null],
    ["http://web:8000/health", null],
    ["http://api.internal/health", null],
    ["https://web.example.com/health", "https://web.example.com"],
    ["http://203.0.113.9:8080/health", "http://203.0.113.9:8080"],
    ["http://172.32.0.1/health", "http://172.32.0.1"],
  ];
  for (const [input, expected] of table) {
    it(`${input} -> ${expected}`, () => expect(publicEnvironmentUrl(input)).toBe(expected));
  }
});

describe("renderDeployComment", () => {
  it("starts with the marker the app and a restarted runner find it by", () => {
    const body = renderDeployComment(model());
    expect(body.split("\n")[0]).toBe(deployCommentMarker(42));
    expect(findDeployCommentMarker(body)).toBe(42);
  });

  it("shows progress as a step table with the running step", () => {
    const body = renderDeployComment(
      model({
        steps: stepRows({
          endedSteps: [{ step: "build", ok: true, durationMs: 1234, detail: "built a|b\nnext" }],
          openStep: "up",
        }),
      }),
    );
    expect(body).toContain("### ⏳ Deploying `web` to `production`");
    expect(body).toContain("| build | ✅ ok | 1.2 s | built a\\|b next |");
    expect(body).toContain("| up | ⏳ running |  |  |");
  });

  it("on success shows durations and no evidence", () => {
    const body = renderDeployComment(
      model({
        result: result("success", "deployed bbbbbbbbbbbb: healthy", {
          verify: { ok: true, phase: "done", reason: "healthy", probes: [], logsTail: "x" },
        }),
        steps: [{ step: "verify", state: "ok", durationMs: 800, detail: "ok" }],
      }),
    );
    expect(body).toContain("### ✅ Deployed: `web` to `production`");
    expect(body).toContain("**deployed bbbbbbbbbbbb: healthy** (in 1 min 5 s).");
    expect(body).not.toContain("Container log");
  });

  it("on a failed rollback says the service needs attention", () => {
    const body = renderDeployComment(
      model({
        result: result("rollback_failed", "verification failed", {
          rollbackVerify: { ok: false, phase: "http", reason: "GET /health -> 503", probes: [] },
        }),
      }),
    );
    expect(body).toContain("🚨 Deploy failed and the rollback failed too");
    expect(body).toContain("**Rollback failed:** GET /health -> 503. The service needs attention.");
  });

  it("marks a superseded deployment and a restart-finished one", () => {
    expect(renderDeployComment(model({ supersededBy: 43 }))).toContain(
      "skipped: superseded by deployment #43",
    );
    expect(renderDeployComment(model({ result: result("success", "ok", { reconciled: true }) }))).toContain(
      "finished after a runner restart",
    );
  });

  it("redacts and stays under GitHub's limit with a huge log, closing the fence it cut", () => {
    const secret = "ghp_" + "x".repeat(36);
    const token = "installation-token-abcdef123";
    redactor.add(token);
    // 40 lines survive the tail cut; make them long enough to overflow the comment anyway.
    const logsTail = Array.from(
      { length: 100 },
      (_, i) => `line ${i} ${token} ${secret} ${"y".repeat(2000)}`,
    ).join("\n");
    const verify = { ok: false, phase: "start", reason: "x", probes: [], logsTail };
    const body = renderDeployComment(model({ result: result("failed", `failed with ${token}`, { verify }) }));
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect(body).not.toContain(token);
    expect(body).not.toContain(secret);
    expect(body).toMatch(/characters truncated/);
    expect(body.match(/^`{3,}/gm)!.length % 2).toBe(0);
  });

  it("check run output fits its limits too", () => {
    const out = renderCheckOutput(model({ result: result("failed", "x".repeat(100_000)) }));
    expect(out.title.length).toBeLessThanOrEqual(200);
    expect(out.summary.length).toBeLessThanOrEqual(65_000);
    expect(out.title).toBe("failed: web @ bbbbbbbbbbbb");
  });
});

describe("small formatters", () => {
  it("formats durations", () => {
    expect([5, 1500, 59_999, 61_000, 3_600_000].map(formatDuration)).toEqual([
      "5 ms",
      "1.5 s",
      "60.0 s",
      "1 min 1 s",
      "60 min 0 s",
    ]);
  });
  it("cuts status descriptions to 140 characters on one line, redacted", () => {
    const token = "status-secret-token-987654";
    redactor.add(token);
    const text = shortDescription(`${token}\n${"z".repeat(300)}`);
    expect(text.length).toBe(140);
    expect(text.startsWith("*** zzz")).toBe(true);
    expect(text.endsWith("…")).toBe(true);
  });
});
