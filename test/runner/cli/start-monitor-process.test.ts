/**
 * `orchestrator-runner start` as its own process (env only) with the fake GitHub over HTTP and a real
 * compose stack: a container killed outside a deploy sends one `orchestrator.runtime_failure`
 * dispatch per incident, with its log tail and a structured cause.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildDist } from "../../cli/build-dist.js";
import { describeDocker } from "../../helpers/docker.js";
import { TEST_APP_ID, testPrivateKey } from "../../helpers/github.js";
import { parsePrometheusText, sampleValue } from "../../helpers/prometheus.js";
import { serveFakeGitHub, type FakeGitHubServer } from "../../e2e/fake-github-server.js";
import { openGitStore } from "../../e2e/git-store.js";
import { startRunner, type OwnProcess } from "../../e2e/processes.js";
import { waitFor } from "../../e2e/wait.js";
import { createGitOrigin } from "../git-origin.js";
import { freePort } from "../stack.js";
import { createMonitorStack, type MonitorStack } from "../monitor/monitor-stack.js";

describeDocker("orchestrator-runner start: incidents outside a deploy", () => {
  let stack: MonitorStack;
  let github: FakeGitHubServer;
  let runner: OwnProcess;
  let base: string;

  beforeAll(async () => {
    await buildDist();
    stack = await createMonitorStack("start", [{ name: "web" }, { name: "api" }]);
    stack.writeConfig({ interval: "1s", timeout: "2s", recovery_timeout: "3s" });
    stack.up();
    const repo = createGitOrigin({
      ".github/orchestrator.yml": readFileSync(join(stack.workspace, ".github/orchestrator.yml"), "utf8"),
    });
    github = await serveFakeGitHub(openGitStore(repo.origin), {
      appId: TEST_APP_ID,
      privateKey: testPrivateKey(),
    });
    repo.git(
      repo.workspace,
      "config",
      `url.${repo.origin}.insteadOf`,
      `http://${github.host}/acme/stack.git`,
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    runner = startRunner({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      RUNNER_REPO: "acme/stack",
      RUNNER_ENVIRONMENT: "production",
      RUNNER_WORKSPACE: repo.workspace,
      RUNNER_STATE_DIR: stack.stateDir,
      COMPOSE_PROJECT_NAME: stack.project,
      RUNNER_POLL_INTERVAL: "1s",
      RUNNER_STATUS_PORT: String(port),
      LOG_LEVEL: "info",
    });
    await runner.waitForLine(/^runner started$/, 60_000);
  }, 240_000);

  afterAll(async () => {
    await runner?.stop();
    await github?.close();
    await stack?.cleanup();
  }, 120_000);

  type StatusBody = {
    services: Record<string, Record<string, unknown>>;
    checks: Record<string, unknown>;
    overall_health?: string;
  };
  const json = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: JSON.parse(await response.text()) as StatusBody };
  };
  const api = async () => (await json("/health/status")).body.services.api!;
  const dispatches = () => github.fake.dispatches;

  it("is ready once GitHub answered, and both services are healthy", async () => {
    await waitFor(async () => (await json("/ready")).status === 200, {
      timeoutMs: 30_000,
      what: "/ready 200",
    });
    expect((await json("/ready")).body.checks.github).toEqual({ ok: true, reason: null });
    await waitFor(async () => (await json("/health/status")).body.overall_health === "healthy", {
      timeoutMs: 30_000,
      what: "healthy",
    });
    expect(dispatches()).toEqual([]);
  }, 60_000);

  it("a killed container sends one dispatch with its log and cause, however many checks fail", async () => {
    await (await stack.container("api")).kill();
    const [sent] = await waitFor(() => (dispatches().length > 0 ? dispatches() : null), {
      timeoutMs: 20_000,
      what: () => `a dispatch; runner output:\n${runner.output().slice(-3000)}`,
    });
    expect(sent!.event_type).toBe("orchestrator.runtime_failure");
    expect(sent!.client_payload).toMatchObject({
      service: "api",
      cause: { source: "monitor", kind: "exited", check: "exited", exit_code: 137 },
    });
    expect(String(sent!.client_payload.log)).toContain("service api starting");
    const checks = (await api()).total_checks as number;
    await waitFor(async () => ((await api()).total_checks as number) >= checks + 3, {
      timeoutMs: 20_000,
      what: "three more checks",
    });
    expect(dispatches()).toHaveLength(1);
    expect(github.problems).toEqual([]);
  }, 60_000);

  it("after it recovers, the next outage is a new incident with its own dispatch", async () => {
    await (await stack.container("api")).start();
    await waitFor(async () => (await api()).health === "healthy", { timeoutMs: 30_000, what: "api healthy" });
    await (await stack.container("api")).kill();
    await waitFor(() => dispatches().length === 2, { timeoutMs: 20_000, what: "the second dispatch" });
    // The runner counts a dispatch once GitHub's answer is back, a moment after the fake recorded it.
    const families = await waitFor(
      async () => {
        const parsed = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
        const sent = sampleValue(parsed, "orchestrator_runtime_failure_dispatches_total", { result: "sent" });
        return sent === 2 ? parsed : null;
      },
      { timeoutMs: 10_000, what: "two dispatches counted in /metrics" },
    );
    expect(sampleValue(families, "orchestrator_runtime_failure_dispatches_total", { result: "sent" })).toBe(
      2,
    );
    expect(
      sampleValue(families, "orchestrator_github_requests_total", { method: "POST", status: "204" }),
    ).toBe(2);
    expect(
      sampleValue(families, "orchestrator_monitor_incidents_total", { service: "api", kind: "exited" }),
    ).toBe(2);
    expect(github.problems).toEqual([]);
  }, 90_000);
});
