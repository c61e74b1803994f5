/**
 * Issue 7, item 7: text cut before it is redacted lets most of a token out (the cut piece no longer
 * looks like a token). Each place that cuts text which may hold a secret is attacked with a secret
 * placed right across its cut.
 */
import { afterEach, describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import { createRedactor, processRedactor, useProcessRedactor } from "../../src/redact/redactor.js";
import type { DeployResult } from "../../runner/journal/events.js";
import { renderDeployComment } from "../../runner/github/report/deploy-comment.js";

const TOKEN = `ghp_${"Xy3".repeat(12)}`;
const REGISTERED = "registered-db-password-0c1d2e3f4a5b";

/** No 8 characters in a row of `secret` appear in `text`. */
function expectNoPieceOf(secret: string, text: string): void {
  for (let i = 0; i + 8 <= secret.length; i++)
    expect(text, `piece at ${i}`).not.toContain(secret.slice(i, i + 8));
}

const previous = processRedactor();
afterEach(() => {
  useProcessRedactor(previous);
});

describe("diagnosis evidence", () => {
  it("a token across the 400-character evidence cut is masked, not cut", async () => {
    const head = "ModuleNotFoundError: No module named 'yaml' ";
    const line = `${head}${"x".repeat(390 - head.length)} ${TOKEN} end`;
    const diagnosis = await diagnoseLog(`Traceback (most recent call last):\n${line}\n`);
    expect(diagnosis.finding?.package).toBe("PyYAML");
    const evidence = diagnosis.evidence.join("\n");
    expect(evidence).toContain("No module named 'yaml'");
    expectNoPieceOf(TOKEN, evidence);
  });

  it("a token across the edge of the window into a very long line leaves no piece", async () => {
    // The diagnoser sees 1 KiB before the match: put the token right across that edge.
    const match = "ModuleNotFoundError: No module named 'yaml'";
    const before = `${"p ".repeat(2000)}${TOKEN}${" q".repeat(500 - TOKEN.length / 2)}`;
    const line = `${before} ${match} ${"r ".repeat(3000)}`;
    const diagnosis = await diagnoseLog(`${line}\n`);
    expectNoPieceOf(TOKEN, JSON.stringify(diagnosis));
  });
});

describe("the runner's deploy comment", () => {
  function failed(detail: string, logsTail?: string): DeployResult {
    return {
      runId: "r1",
      service: "web",
      ref: "b".repeat(40),
      targetSha: "b".repeat(40),
      previousSha: "a".repeat(40),
      status: "rolled_back",
      reason: "verification failed",
      steps: [],
      rollbackPoint: null,
      verify: {
        ok: false,
        phase: "start",
        reason: "unhealthy",
        probes: [{ at: "2026-01-01T00:00:00Z", kind: "http", ok: false, detail }],
        ...(logsTail ? { logsTail } : {}),
      },
      rollbackVerify: null,
      workspaceSha: null,
      artifactsDir: "/tmp/x",
      startedAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:00:05Z",
      durationMs: 5000,
      reconciled: false,
      meta: {},
    };
  }
  const render = (result: DeployResult) =>
    renderDeployComment({
      deploymentId: 7,
      service: "web",
      environment: "production",
      sha: "b".repeat(40),
      runner: "host",
      steps: [],
      result,
    });

  it("a registered secret across the 180-character probe-detail cut is masked, not cut", () => {
    useProcessRedactor(createRedactor().add(REGISTERED));
    const detail = `GET /health -> HTTP 500: ${"e".repeat(135)} ${REGISTERED} more`;
    const body = render(failed(detail));
    expect(body).toContain("GET /health -> HTTP 500");
    expectNoPieceOf(REGISTERED, body);
  });

  it("a private key whose BEGIN line falls outside the shown log tail leaves no key line", () => {
    const key = Array.from(
      { length: 25 },
      (_, i) => `${"MIIEpAIBAAKCAQEA".slice(0, 8)}${String(i).padStart(4, "0")}${"k".repeat(52)}`,
    );
    const tail = [
      "-----BEGIN RSA PRIVATE KEY-----",
      ...key,
      "-----END RSA PRIVATE KEY-----",
      ...Array.from({ length: 30 }, (_, i) => `log line ${i}`),
    ].join("\n");
    const body = render(failed("HTTP 500", tail));
    expect(body).toContain("log line 29");
    for (const line of key) expect(body).not.toContain(line);
  });
});
