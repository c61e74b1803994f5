import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { redactor } from "../../../src/redact/redactor.js";
import { writeArtifact } from "../../../runner/artifacts/artifacts.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import { routeStatus, startStatusServer, type RunnerHealth } from "../../../runner/status/status-api.js";
import { tempStateDir } from "../github/fixtures.js";

const healthy: RunnerHealth = {
  startedAt: "2025-01-01T00:00:00Z",
  lastPassAt: "2025-01-01T00:01:00Z",
  failures: 0,
  lastError: null,
};

function stateWithRun(): { stateDir: string; runId: string } {
  const stateDir = tempStateDir();
  const runId = "20250101T000000000Z-web-abcdef";
  const dir = createRunDir(stateDir, runId);
  appendEvent(dir, {
    type: "run-start",
    at: "2025-01-01T00:00:00Z",
    runId,
    service: "web",
    composeService: "web",
    ref: "main",
    workspace: "/w",
    project: "p",
    composeFiles: [],
    flavor: "v2",
    healthUrl: null,
    timeoutMs: 1,
    watchMs: 1,
    pid: 1,
    hostname: "h",
    meta: { github: { deploymentId: 7 } },
  });
  appendEvent(dir, { type: "step-start", at: "2025-01-01T00:00:01Z", step: "build" });
  const secret = "status-api-secret-123456";
  redactor.add(secret);
  writeArtifact(dir, "build.log", `step 1\nusing ${secret}\n`);
  return { stateDir, runId };
}

describe("routeStatus", () => {
  const { stateDir, runId } = stateWithRun();
  const table: Array<[method: string, url: string, status: number, contains: string]> = [
    ["GET", "/health", 200, '"ok": true'],
    ["GET", "/runs", 200, `"runId": "${runId}"`],
    ["GET", "/runs/", 200, '"service": "web"'],
    ["GET", `/runs/${runId}`, 200, '"openStep": "build"'],
    ["GET", `/runs/${runId}/artifacts/build.log`, 200, "using ***"],
    ["GET", `/runs/${runId}/artifacts/summary.json`, 404, "has no summary.json yet"],
    [
      "GET",
      `/runs/${runId}/artifacts/journal.jsonl`,
      404,
      "no artifact journal.jsonl; artifacts: patch.diff",
    ],
    ["GET", "/runs/nope", 404, "no run nope"],
    ["GET", "/runs/..%2F..%2Fetc/artifacts/build.log", 404, "unknown path"],
    ["GET", "/metrics", 404, "try /health, /runs"],
    ["POST", "/runs", 405, "only GET is served, got POST"],
  ];
  for (const [method, url, status, contains] of table) {
    it(`${method} ${url} -> ${status}`, () => {
      const response = routeStatus(method, url, stateDir, healthy);
      expect(response.status).toBe(status);
      expect(response.body).toContain(contains);
      expect(response.body).not.toContain("status-api-secret-123456");
    });
  }

  it("/health turns 503 while GitHub keeps failing", () => {
    const response = routeStatus("GET", "/health", stateDir, {
      ...healthy,
      failures: 3,
      lastError: "502 Bad Gateway",
    });
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, failures: 3, lastError: "502 Bad Gateway" });
  });
});

describe("startStatusServer", () => {
  it("listens on loopback only", async () => {
    const { stateDir } = stateWithRun();
    const server = await startStatusServer(0, stateDir, healthy);
    try {
      const address = server.address() as AddressInfo;
      expect(address.address).toBe("127.0.0.1");
      const response = await fetch(`http://127.0.0.1:${address.port}/health`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    } finally {
      server.close();
    }
  });
});
