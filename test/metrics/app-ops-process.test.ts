/**
 * The app's `/health`, `/ready` and `/metrics` as `npm start` serves them: `node dist/src/server.js`
 * with env only, against the fake GitHub over HTTP (JWTs verified, requests OpenAPI-checked). `/ready`
 * lists the installations with the App JWT and mints a token; `/metrics` is Prometheus text whose
 * counters move when a signed webhook makes the app diagnose a failed run and try a fix.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist } from "../cli/build-dist.js";
import { failingCiRun } from "../e2e/loop-world.js";
import { deliverWebhook } from "../e2e/deliver.js";
import { serveFakeGitHub, type FakeGitHubServer } from "../e2e/fake-github-server.js";
import { serveFakePyPI, type FakePyPI } from "../e2e/fake-pypi-server.js";
import { openGitStore } from "../e2e/git-store.js";
import { startApp, type OwnProcess } from "../e2e/processes.js";
import { waitFor } from "../e2e/wait.js";
import { workflowRunFailed } from "../e2e/webhooks.js";
import { TEST_APP_ID, TEST_INSTALLATION_ID, testPrivateKey } from "../helpers/github.js";
import { parsePrometheusText, sampleValue, type PromFamily } from "../helpers/prometheus.js";
import { createGitOrigin, type GitOrigin } from "../runner/git-origin.js";
import { freePort } from "../runner/stack.js";

const SECRET = "app-ops-process-webhook-secret-51c2";
const CONFIG = ["services:", "  web:", "    path: services/web", "auto_fix: true", ""].join("\n");

describe("the app process: /health, /ready and /metrics", () => {
  let repo: GitOrigin;
  let github: FakeGitHubServer;
  let pypi: FakePyPI;
  let app: OwnProcess;
  let stranger: OwnProcess | null = null;
  let base: string;

  async function launch(privateKey: string): Promise<{ process: OwnProcess; url: string }> {
    const port = await freePort();
    const process = startApp({
      appId: TEST_APP_ID,
      privateKey,
      webhookSecret: SECRET,
      gheHost: github.host,
      port,
      pipIndexUrl: pypi.indexUrl,
    });
    await process.waitForLine(/^Listening on http/, 60_000);
    return { process, url: `http://127.0.0.1:${port}` };
  }

  beforeAll(async () => {
    await buildDist();
    repo = createGitOrigin({
      ".github/orchestrator.yml": CONFIG,
      "services/web/requirements.txt": "flask\n",
      "services/web/app.py": "import yaml\n",
    });
    github = await serveFakeGitHub(openGitStore(repo.origin), {
      appId: TEST_APP_ID,
      privateKey: testPrivateKey(),
    });
    // An index without PyYAML: the dependency-confusion check refuses the fix.
    pypi = await serveFakePyPI({});
    const started = await launch(testPrivateKey());
    app = started.process;
    base = started.url;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stranger?.stop();
    await github?.close();
    await pypi?.close();
  }, 60_000);

  const metrics = async (): Promise<Map<string, PromFamily>> => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };
  const requestsTotal = (families: Map<string, PromFamily>) =>
    (families.get("orchestrator_github_requests_total")?.samples ?? []).reduce((n, s) => n + s.value, 0);

  it("/health answers at once; /ready is 200 after listing the installations and minting a token", async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const ready = await fetch(`${base}/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { ready: true, reason: null },
    });
    const asked = github.requests.map((r) => [r.method, r.path.split("?")[0], r.credential]);
    expect(asked).toEqual(
      expect.arrayContaining([
        ["GET", "/app/installations", "app-jwt"],
        ["POST", `/app/installations/${TEST_INSTALLATION_ID}/access_tokens`, "app-jwt"],
      ]),
    );
    expect(github.problems).toEqual([]);
  }, 30_000);

  it("/metrics is Prometheus text; a failed run's webhook moves the diagnosis, fix and request counters", async () => {
    const before = await metrics();
    expect(before.get("orchestrator_fix_prs_total")?.type).toBe("counter");
    expect(before.get("orchestrator_diagnoses_total")?.type).toBe("counter");
    expect(before.get("orchestrator_app_process_resident_memory_bytes")?.type).toBe("gauge");
    expect(sampleValue(before, "orchestrator_fix_prs_total", { outcome: "refused" })).toBeUndefined();
    const requestsBefore = requestsTotal(before);

    const run = failingCiRun(repo.git(repo.upstream, "rev-parse", "HEAD"));
    github.fake.addRun(run);
    const delivery = await deliverWebhook(base, SECRET, "workflow_run", workflowRunFailed(run));
    expect([200, 202]).toContain(delivery.status);

    const after = await waitFor(
      async () => {
        const families = await metrics();
        return sampleValue(families, "orchestrator_fix_prs_total", { outcome: "refused" }) === 1
          ? families
          : null;
      },
      { timeoutMs: 60_000, what: () => `a refused fix counted\n${app.output().slice(-3000)}` },
    );
    const diagnosed = (after.get("orchestrator_diagnoses_total")?.samples ?? []).filter(
      (s) => s.labels.result === "fixable",
    );
    expect(diagnosed.map((s) => s.value)).toEqual([1]);
    expect(requestsTotal(after)).toBeGreaterThan(requestsBefore);
    expect(sampleValue(after, "orchestrator_github_requests_total", { method: "GET", status: "200" })).toBe(
      github.requests.filter((r) => r.api && r.method === "GET" && r.status === 200).length,
    );
    const left = sampleValue(after, "orchestrator_github_rate_limit_remaining", { resource: "core" });
    expect(left).toBeGreaterThanOrEqual(5000 - github.requests.filter((r) => r.api).length);
    expect(left).toBeLessThan(5000 - requestsBefore);
    expect(pypi.asked).toContain("/pypi/PyYAML/json");
    expect(github.problems).toEqual([]);
  }, 90_000);

  it("/ready is 503 naming the reason when GitHub refuses the App's JWT", async () => {
    const otherKey = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
    }).privateKey;
    const other = await launch(otherKey);
    stranger = other.process;
    const ready = await fetch(`${other.url}/ready`);
    const body = (await ready.json()) as { ready: boolean; reason: string };
    expect(ready.status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.reason).toMatch(/^GitHub did not accept the App's JWT: /);
    expect(JSON.stringify(body)).not.toContain("BEGIN RSA");
    expect(github.problems).toEqual([
      expect.stringMatching(/^GET \/app\/installations: a JWT not signed by the App's private key/),
    ]);
    expect((await fetch(`${other.url}/health`)).status).toBe(200);
  }, 60_000);
});
