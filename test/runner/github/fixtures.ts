/**
 * Shared pieces for the runner's GitHub tests: an installation client built against the harness's
 * nock (the same OpenAPI validation as the app's tests), a fake pipeline that journals like the real
 * one, a captured logger, and deployment/status builders.
 */
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { deployTask, type DeploymentPayload } from "../../../contract/deployment.js";
import { parseConfigText } from "../../../src/config/parse.js";
import type { OrchestratorConfig } from "../../../src/config/schema.js";
import { writeArtifact } from "../../../runner/artifacts/artifacts.js";
import type { DeployResult, DeployStatus, ProbeSummary, StepTiming } from "../../../runner/journal/events.js";
import { appendEvent, createRunDir } from "../../../runner/journal/journal-file.js";
import type { DeployDeps, DeployRequest } from "../../../runner/pipeline/deploy.js";
import { newRunId } from "../../../runner/pipeline/deploy.js";
import { reportResult } from "../../../runner/pipeline/steps.js";
import {
  createInstallationClient,
  type InstallationClient,
} from "../../../runner/github/installation-client.js";
import type { RunnerLog } from "../../../runner/github/log.js";
import { createRunnerTrust, type RunnerTrust } from "../../../runner/github/runner-trust.js";
import { BOT_USER, mockAppIdentity, signPayload, type UnsignedPayload } from "../../helpers/signing.js";
import {
  GITHUB_API,
  TEST_APP_ID,
  TEST_INSTALLATION_ID,
  TEST_OWNER,
  TEST_REPO,
  testPrivateKey,
  type GitHubHarness,
} from "../../helpers/github.js";

export const REPO_PATH = `/repos/${TEST_OWNER}/${TEST_REPO}`;

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), "runner-gh-"));
}

export const CONFIG_YAML = `services:
  web:
    path: services/web
    environment: production
    health:
      url: https://web.example.com/health
  api:
    path: services/api
    environment: production
  worker:
    path: services/worker
    environment: staging
`;

export function testConfig(): OrchestratorConfig {
  const parsed = parseConfigText(CONFIG_YAML);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

/** The installation client against nock, retry/throttle off so a mocked 5xx fails at once. */
export function testClient(now?: () => number): InstallationClient {
  return createInstallationClient({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
    owner: TEST_OWNER,
    repo: TEST_REPO,
    baseUrl: GITHUB_API,
    octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
    ...(now ? { now } : {}),
  });
}

/** The runner's trust against nock: `GET /app` with the App's JWT, key from the test private key. */
export function testRunnerTrust(): RunnerTrust {
  return createRunnerTrust({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
    baseUrl: GITHUB_API,
    octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
  });
}

/**
 * Mocks the installation lookup and one token mint; returns the token. Also answers one optional
 * `GET /app` (the bot's identity, looked up once per runner trust).
 */
export function mockAuth(gh: GitHubHarness, token?: string): string {
  mockAppIdentity(gh);
  // The lookup must be signed with the App's JWT (a bearer token), not an installation token.
  gh.github
    .get(`${REPO_PATH}/installation`)
    .matchHeader("authorization", /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i)
    .reply(200, { id: TEST_INSTALLATION_ID, account: { login: TEST_OWNER } });
  return gh.mintToken(token ? { token } : {});
}

export function sha(n: number): string {
  return n.toString(16).padStart(40, "a");
}

/**
 * A deployment as the app creates it: by the App's bot, its payload signed for this repository,
 * environment and commit. A string payload is sent as it is; `creator` and `signed: false` build the
 * foreign ones.
 */
export function deployment(
  id: number,
  service: string,
  payload: Partial<DeploymentPayload> | string = {},
  createdAt = `2025-01-01T00:00:${String(id % 60).padStart(2, "0")}Z`,
  options: { creator?: { login: string; type: string } | null; signed?: boolean; environment?: string } = {},
) {
  const environment = options.environment ?? "production";
  const fields = {
    service,
    pr: 7,
    reason: "merge",
    requested_by: "alice",
    ...(typeof payload === "string" ? {} : payload),
  } as UnsignedPayload;
  return {
    url: `https://api.github.com${REPO_PATH}/deployments/${id}`,
    id,
    node_id: `D_${id}`,
    sha: sha(id),
    ref: sha(id),
    task: deployTask(service),
    payload: (typeof payload === "string"
      ? payload
      : options.signed === false || "sig" in payload
        ? fields
        : signPayload(fields, { environment, sha: sha(id), createdAt })) as unknown,
    original_environment: environment,
    environment,
    description: null,
    creator: options.creator === undefined ? BOT_USER : options.creator,
    created_at: createdAt,
    updated_at: createdAt,
    statuses_url: `https://api.github.com${REPO_PATH}/deployments/${id}/statuses`,
    repository_url: `https://api.github.com${REPO_PATH}`,
  };
}

/** A deployment status as the runner (the App's bot) writes it; `creator` for anyone else's. */
export function status(state: string, description = "", creator: object = BOT_USER) {
  return {
    id: 1,
    state,
    description,
    environment: "production",
    created_at: "2025-01-01T00:00:00Z",
    creator,
  };
}

export interface CapturedLog extends RunnerLog {
  records: Array<{ level: string; msg: string; [key: string]: unknown }>;
}

export function captureLog(): CapturedLog {
  const records: CapturedLog["records"] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    void records.push({ ...obj, level, msg: msg ?? "" });
  return { records, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export interface FakeOutcome {
  status: DeployStatus;
  reason: string;
  steps?: StepTiming[];
  verify?: ProbeSummary | null;
  rollbackVerify?: ProbeSummary | null;
  /** Written as the run's verify.log artifact. */
  verifyLog?: string;
}

/**
 * Stands in for runDeploy: journals a run the way the real pipeline does (run-start with the caller's
 * meta, step events to the reporter, result, then the report and its `reported` mark), without Docker.
 */
export function fakePipeline(outcome: FakeOutcome) {
  const calls: DeployRequest[] = [];
  const run = async (request: DeployRequest, deps: DeployDeps = {}): Promise<DeployResult> => {
    calls.push(request);
    const reporter = deps.reporter!;
    const runId = newRunId(request.service);
    const dir = createRunDir(request.stateDir, runId);
    const at = new Date().toISOString();
    appendEvent(dir, {
      type: "run-start",
      at,
      runId,
      service: request.service,
      composeService: request.service,
      ref: request.ref,
      workspace: request.workspace,
      project: "stack",
      composeFiles: [],
      flavor: "v2",
      healthUrl: request.serviceConfig.health?.url ?? null,
      timeoutMs: 1000,
      watchMs: 1000,
      pid: process.pid,
      hostname: hostname(),
      meta: request.meta ?? {},
    });
    const steps = outcome.steps ?? [];
    for (const step of steps) {
      appendEvent(dir, { type: "step-start", at, step: step.step });
      await reporter.step({ runId, service: request.service, step: step.step, phase: "start", at });
      appendEvent(dir, { type: "step-end", at, ...step });
      await reporter.step({
        runId,
        service: request.service,
        step: step.step,
        phase: "end",
        at,
        ok: step.ok,
        durationMs: step.durationMs,
        detail: step.detail,
      });
    }
    if (outcome.verifyLog) writeArtifact(dir, "verify.log", outcome.verifyLog);
    const result: DeployResult = {
      runId,
      service: request.service,
      ref: request.ref,
      targetSha: request.ref,
      previousSha: sha(1),
      status: outcome.status,
      reason: outcome.reason,
      steps,
      rollbackPoint:
        outcome.status === "success"
          ? null
          : { containerId: "c".repeat(64), imageId: `sha256:${"e".repeat(64)}`, imageName: "stack-web" },
      verify: outcome.verify ?? null,
      rollbackVerify: outcome.rollbackVerify ?? null,
      workspaceSha: request.ref,
      artifactsDir: dir,
      startedAt: at,
      finishedAt: at,
      durationMs: 12_300,
      reconciled: false,
      meta: request.meta ?? {},
    };
    appendEvent(dir, { type: "result", at, result });
    return reportResult(dir, result, reporter);
  };
  return { run, calls };
}

/**
 * Stands in for a runDeploy that throws partway: it journals the run start and `steps` as started,
 * then throws `error` without a result, the way an unexpected failure outside a step would leave it.
 */
export function throwingPipeline(steps: StepTiming["step"][], error: Error) {
  const runIds: string[] = [];
  const run = async (request: DeployRequest): Promise<DeployResult> => {
    const runId = newRunId(request.service);
    runIds.push(runId);
    const dir = createRunDir(request.stateDir, runId);
    const at = new Date().toISOString();
    appendEvent(dir, {
      type: "run-start",
      at,
      runId,
      service: request.service,
      composeService: request.service,
      ref: request.ref,
      workspace: request.workspace,
      project: "stack",
      composeFiles: [],
      flavor: "v2",
      healthUrl: null,
      timeoutMs: 1000,
      watchMs: 1000,
      pid: process.pid,
      hostname: hostname(),
      meta: request.meta ?? {},
    });
    for (const step of steps) appendEvent(dir, { type: "step-start", at, step });
    throw error;
  };
  return { run, runIds };
}

/** The JSON body of a captured request. */
export function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}
