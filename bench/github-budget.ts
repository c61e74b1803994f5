/**
 * GitHub API budget, against the project's fake GitHub over real HTTP (test/e2e/fake-github-server.ts):
 *  (a) the requests the app (its production server and Octokit: retry and throttling on) makes from a
 *      `/orchestrator fix api` issue comment to the opened PR with its two check runs, per route, and
 *      the time from the comment's delivery to the PR being opened, against a baseline in the same run:
 *      the same server with Octokit's own write spacing. Targets: <= 12 requests, <= 2 s.
 *  (b) an idle runner polling every 30 s over a simulated hour (its clock and the fake's moved 30 s
 *      per pass): requests that count against the rate limit (anything but a 304). Target: 0 after
 *      the first pass.
 * Exported for bench/run.ts; `npx tsx bench/github-budget.ts` runs it alone.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ProbotOctokit, run } from "probot";
import { appOctokitOptions } from "../src/app/client.js";
import { createWritePacer } from "../src/app/write-pacing.js";
import orchestrator from "../src/index.js";
import { startServer } from "../src/server.js";
import { redactedLogger } from "../src/redact/logger.js";
import { createRunnerTrust } from "../runner/github/runner-trust.js";
import { createGitHubReporter } from "../runner/github/report/github-reporter.js";
import { createInstallationClient } from "../runner/github/installation-client.js";
import { createPoller } from "../runner/github/poll/poller.js";
import { readDefaultBranchConfig } from "../runner/workspace/default-branch-config.js";
import { deliverWebhook } from "../test/e2e/deliver.js";
import { serveFakePyPI } from "../test/e2e/fake-pypi-server.js";
import { serveFakeGitHub, type ServedRequest } from "../test/e2e/fake-github-server.js";
import { BOT } from "../test/e2e/fake-state.js";
import { openGitStore } from "../test/e2e/git-store.js";
import { daysAgo } from "../test/helpers/registry.js";
import { adaptPayload, TEST_OWNER, TEST_REPO, webhookExample } from "../test/helpers/webhook-examples.js";
import { freePort } from "../test/runner/stack.js";

const APP_ID = 123;
const SECRET = "bench-webhook-secret";
export const FIX_REQUEST_TARGET = 12;
export const FIX_TIME_TARGET_MS = 2_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const CONFIG = `services:
  api:
    path: services/api
    environment: production
    health:
      url: http://127.0.0.1:9/health
`;

const FAILING_LOG = [
  "2026-03-02T09:14:10.1234567Z ##[group]Run python -m pytest services/api",
  "2026-03-02T09:14:11.1234567Z Traceback (most recent call last):",
  '2026-03-02T09:14:11.1234567Z   File "/home/runner/work/stack/stack/services/api/app.py", line 1, in <module>',
  "2026-03-02T09:14:11.1234567Z     import yaml",
  "2026-03-02T09:14:11.1234567Z ModuleNotFoundError: No module named 'yaml'",
  "2026-03-02T09:14:12.1234567Z ##[error]Process completed with exit code 2.",
  "",
].join("\n");

interface Repo {
  root: string;
  origin: string;
  workspace: string;
  baseSha: string;
}

/** A bare origin with the api service (requirements unpinned: no registry lookup) and a clone of it. */
function createRepo(): Repo {
  const root = mkdtempSync(join(tmpdir(), "bench-budget-"));
  const work = join(root, "seed");
  const origin = join(root, "origin.git");
  const workspace = join(root, "workspace");
  const files: Record<string, string> = {
    ".github/orchestrator.yml": CONFIG,
    "services/api/Dockerfile":
      "FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
    "services/api/requirements.txt": "flask\n",
    "services/api/app.py": "import yaml\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "b",
    GIT_AUTHOR_EMAIL: "b@example.com",
    GIT_COMMITTER_NAME: "b",
    GIT_COMMITTER_EMAIL: "b@example.com",
  };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "api");
  git(root, "clone", "-q", "--bare", work, origin);
  git(root, "clone", "-q", origin, workspace);
  return { root, origin, workspace, baseSha: git(work, "rev-parse", "HEAD") };
}

function privateKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  }).privateKey;
}

export interface FixPathSample {
  /** Requests up to and including the second check run's creation. */
  requests: ServedRequest[];
  /** Comment delivered -> POST /pulls answered. */
  prOpenedMs: number;
  /** Everything the delivery caused, the answer comment included. */
  total: number;
}

type StartApp = (env: NodeJS.ProcessEnv) => Promise<{ stop(): Promise<void> }>;

/**
 * The baseline: the same server with Octokit's own write spacing (every write 1 s after the previous
 * one, PRs and comments 3 s), i.e. without the app's burst pacing; all else as `npm start`.
 */
const startWithOctokitSpacing: StartApp = (env) => {
  const pacers = {
    write: createWritePacer({ burst: 1, refillMs: 1_000, gapMs: 1_000 }),
    notifications: createWritePacer({ burst: 1, refillMs: 3_000, gapMs: 3_000 }),
  };
  const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) =>
    appOctokitOptions(options, pacers),
  );
  const log = redactedLogger({ level: env.LOG_LEVEL });
  return run(orchestrator, { env, log, Octokit } as Parameters<typeof run>[1]);
};

async function fixPathOnce(key: string, start: StartApp = startServer): Promise<FixPathSample> {
  const repo = createRepo();
  const github = await serveFakeGitHub(openGitStore(repo.origin), { appId: APP_ID, privateKey: key });
  const port = await freePort();
  const server = await start({
    APP_ID: String(APP_ID),
    PRIVATE_KEY: key,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: (process.env.BENCH_LOG_LEVEL ?? "error") as "error",
  });
  try {
    github.fake.grant("alice", "write");
    const issue = github.fake.openIssue();
    github.fake.addRun({
      id: 9_100_000_001,
      name: "CI",
      head_sha: repo.baseSha,
      jobs: [{ id: 9_200_000_001, name: "test api", conclusion: "failure", log: FAILING_LOG }],
    });
    const payload = adaptPayload(
      webhookExample("issue_comment", (p) => p.action === "created" && !p.issue.pull_request),
      { sender: { login: "alice" } },
    );
    payload.issue.number = issue;
    payload.comment.body = "/orchestrator fix api";
    const before = github.requests.length;
    const deliveredAt = Date.now();
    const delivery = await deliverWebhook(`http://127.0.0.1:${port}`, SECRET, "issue_comment", payload);
    // 202: the app is still handling it after GitHub's delivery timeout; the answer comment ends it.
    if (delivery.status === 202) await waitFor(() => github.fake.comments.length > 0, 120_000);
    else if (delivery.status !== 200)
      throw new Error(`the app answered ${delivery.status}: ${delivery.body}`);
    const served = github.requests.slice(before);
    const opened = served.find(
      (r) => r.method === "POST" && r.path === `/repos/${TEST_OWNER}/${TEST_REPO}/pulls`,
    );
    const checks = served.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs"));
    if (!opened || opened.status !== 201 || checks.length < 2 || github.fake.pulls.length !== 1)
      throw new Error(
        `the fix path did not open the PR with two check runs (${github.fake.comments.map((c) => c.body).join(" / ")}):\n${served.map((r) => `${r.method} ${r.path} ${r.status}`).join("\n")}\nproblems: ${github.problems.join("; ")}`,
      );
    if (github.problems.length > 0) throw new Error(`fake GitHub problems: ${github.problems.join("; ")}`);
    const upTo = served.indexOf(checks[1]!) + 1;
    if (process.env.BENCH_TIMELINE)
      for (const r of served) console.log(`  +${r.at - deliveredAt} ms ${r.method} ${r.path} ${r.status}`);
    return { requests: served.slice(0, upTo), prOpenedMs: opened.at - deliveredAt, total: served.length };
  } finally {
    await server.stop();
    await github.close();
    rmSync(repo.root, { recursive: true, force: true });
  }
}

export interface IdleSample {
  passes: number;
  /** Non-304 requests of the first pass (authentication included). */
  firstPass: number;
  /** Non-304 requests with the installation token in every later pass, summed (the rate limit). */
  afterFirst: number;
  /** Token re-mints in later passes (App JWT: the App's own budget, not the installation's). */
  mintsAfterFirst: number;
  notModified: number;
  breakdown: Map<string, number>;
}

/** An idle runner (one settled deployment) polling every 30 s for an hour of simulated time. */
async function idleHour(key: string): Promise<IdleSample> {
  const repo = createRepo();
  const github = await serveFakeGitHub(openGitStore(repo.origin), { appId: APP_ID, privateKey: key });
  const stateDir = mkdtempSync(join(tmpdir(), "bench-budget-state-"));
  execFileSync(
    "git",
    ["config", `url.${repo.origin}.insteadOf`, `http://${github.host}/${TEST_OWNER}/${TEST_REPO}.git`],
    {
      cwd: repo.workspace,
    },
  );
  const real = Date.now();
  let simulated = real;
  const now = () => simulated + (Date.now() - real);
  try {
    // A deployment the runner finished long ago: each first look reads its status once.
    const done = github.state.nextId();
    github.state.deployments.push({
      id: done,
      sha: repo.baseSha,
      ref: "main",
      task: "deploy:api",
      environment: "production",
      payload: {},
      description: null,
      created_at: github.state.now(),
      creator: BOT,
    });
    github.state.statuses.push({
      id: github.state.nextId(),
      deployment: done,
      state: "success",
      description: "deployed",
      environment_url: "",
      log_url: "",
      created_at: github.state.now(),
      creator: BOT,
    });
    const log = redactedLogger({ level: "silent" });
    const client = createInstallationClient({
      appId: APP_ID,
      privateKey: key,
      owner: TEST_OWNER,
      repo: TEST_REPO,
      baseUrl: github.apiUrl,
      now,
    });
    const reporter = createGitHubReporter({
      gh: client,
      stateDir,
      log,
      runner: "bench",
      dispatchRuntimeFailures: false,
    });
    const poller = createPoller({
      gh: client,
      reporter,
      stateDir,
      workspace: repo.workspace,
      gitRemote: `http://${github.host}/${TEST_OWNER}/${TEST_REPO}.git`,
      loadConfig: async () =>
        (await readDefaultBranchConfig(repo.workspace, { fetch: true, token: await client.token() })).config,
      environments: ["production"],
      env: { ...process.env, RUNNER_STATE_DIR: stateDir },
      trust: createRunnerTrust({ appId: APP_ID, privateKey: key, baseUrl: github.apiUrl }),
      log,
    });
    const passes = 120; // 3600 s / 30 s
    const sample: IdleSample = {
      passes,
      firstPass: 0,
      afterFirst: 0,
      mintsAfterFirst: 0,
      notModified: 0,
      breakdown: new Map(),
    };
    for (let pass = 0; pass < passes; pass++) {
      github.setClockOffset(simulated - real);
      const before = github.requests.length;
      await poller.pass();
      for (const r of github.requests.slice(before)) {
        if (r.status === 304) {
          sample.notModified += 1;
          continue;
        }
        if (pass === 0) sample.firstPass += 1;
        else {
          if (r.credential === "app-jwt") sample.mintsAfterFirst += 1;
          else sample.afterFirst += 1;
          const route = `${r.method} ${r.path.split("?")[0]}`;
          sample.breakdown.set(route, (sample.breakdown.get(route) ?? 0) + 1);
        }
      }
      simulated += 30_000;
    }
    if (github.problems.length > 0) throw new Error(`fake GitHub problems: ${github.problems.join("; ")}`);
    return sample;
  } finally {
    await github.close();
    rmSync(repo.root, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface BudgetReport {
  fixRequests: number;
  fixPrOpenedMs: number;
  idle: IdleSample;
}

export async function benchGitHubBudget(): Promise<BudgetReport> {
  const key = privateKey();
  // The fix adds PyYAML, which the app checks on the package index first (dependency confusion): a
  // local index answers (PIP_INDEX_URL). The app reads that and its signing key from the process
  // environment, as `npm start` does.
  const pypi = await serveFakePyPI({
    PyYAML: [
      { version: "5.4.1", uploaded: daysAgo(2_000) },
      { version: "6.0.2", uploaded: daysAgo(400) },
    ],
  });
  const set = { PIP_INDEX_URL: pypi.indexUrl, PRIVATE_KEY: key };
  const before = Object.fromEntries(Object.keys(set).map((name) => [name, process.env[name]]));
  Object.assign(process.env, set);
  try {
    return await budget(key);
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await pypi.close();
  }
}

async function budget(key: string): Promise<BudgetReport> {
  // One warm-up run first (module loading, the diagnosers' name maps): each run has its own fake and
  // server, so every measured run is a cold installation (token minted, nothing cached).
  const warmUp = await fixPathOnce(key);
  const samples: FixPathSample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await fixPathOnce(key));
  const baseline = await fixPathOnce(key, startWithOctokitSpacing);
  const first = samples[0]!;
  const byRoute = new Map<string, number>();
  for (const r of first.requests) {
    const route = r.operation ?? `${r.method} ${r.path.split("?")[0]}`;
    byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
  }
  // GitHub API requests; the job log's download from the blob store is not one.
  const fixRequests = first.requests.filter((r) => r.api).length;
  const downloads = first.requests.length - fixRequests;
  const fixPrOpenedMs = median(samples.map((s) => s.prOpenedMs));
  console.log(
    `fix path (/orchestrator fix api -> PR + 2 check runs): ${fixRequests} API requests (target <= ${FIX_REQUEST_TARGET}, ratio ${(fixRequests / FIX_REQUEST_TARGET).toFixed(2)}) + ${downloads} log download; ${first.total} in all with the answer comment`,
  );
  for (const [route, count] of byRoute) console.log(`  ${count} x ${route}`);
  console.log(
    `comment -> PR opened: median ${fixPrOpenedMs.toFixed(0)} ms of ${RUNS} (target <= ${FIX_TIME_TARGET_MS} ms, ratio ${(fixPrOpenedMs / FIX_TIME_TARGET_MS).toFixed(2)}); runs: ${samples.map((s) => s.prOpenedMs.toFixed(0)).join(", ")} ms; warm-up ${warmUp.prOpenedMs.toFixed(0)} ms`,
  );
  console.log(
    `  baseline, Octokit's own write spacing (same run): ${baseline.prOpenedMs.toFixed(0)} ms; paced / baseline = ${(fixPrOpenedMs / baseline.prOpenedMs).toFixed(2)}`,
  );

  const idle = await idleHour(key);
  console.log(
    `idle runner, ${idle.passes} passes every 30 s (simulated hour): first pass ${idle.firstPass} requests (authentication included); after it ${idle.afterFirst} rate-limited requests (target 0), ${idle.notModified} answered 304, ${idle.mintsAfterFirst} token re-mint(s) with the App JWT`,
  );
  for (const [route, count] of idle.breakdown) console.log(`  ${count} x ${route}`);
  return { fixRequests, fixPrOpenedMs, idle };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchGitHubBudget();
}
