/**
 * The world of the whole-loop tests: the httpd fixture stack (test/runner/stack.ts) turned into a
 * repository with a Python dependency, a bare clone of it that plays the GitHub remote (the fake's git
 * store), the CI failure the loop starts from, and the runner's `start --once` against the fake.
 *
 * Why requirements.txt: the fixture image is FROM scratch + busybox, so it has no apt and no pip. A
 * python_module finding patches `services/web/requirements.txt`, which the Dockerfile only COPYs (into
 * httpd's document root, without installing it): the patched image still builds, and GET
 * /requirements.txt shows which version of the file the running container was built from.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import orchestrator from "../../src/index.js";
import { pypiDocument } from "../helpers/registry.js";
import { startCommand } from "../../runner/cli/start-command.js";
import { createInstallationClient } from "../../runner/github/installation-client.js";
import { TEST_APP_ID, TEST_OWNER, TEST_REPO, testPrivateKey, type GitHubHarness } from "../helpers/github.js";
import { createStack, type Stack } from "../runner/stack.js";
import type { FakeGitHub, FakeRun } from "./fake-github.js";
import { openGitStore, type GitStore } from "./git-store.js";

export const REQUIREMENTS_BEFORE = "flask==3.0.3\n";
export const PYYAML_LATEST = "6.0.2";
export const ENVIRONMENT = "staging";
export const APPROVER = "alice";

export interface LoopStack {
  stack: Stack;
  /** The bare repository behind the fake GitHub. */
  origin: GitStore;
  /** The default branch head the loop starts from (also what runs before the deploy). */
  baseSha: string;
}

function config(port: number): string {
  return `services:
  web:
    path: services/web
    environment: ${ENVIRONMENT}
    protected: true
    approvers: [${APPROVER}]
    health:
      url: http://127.0.0.1:${port}/health
      timeout: 8s
      watch: 2s
auto_fix: true
`;
}

/**
 * A fixture stack whose main branch has the config, a Python app importing yaml and a requirements
 * file without PyYAML (`options.requirements`, default REQUIREMENTS_BEFORE); its bare clone is the "GitHub" remote (the fake's git store) and the workspace's
 * origin; the service is up at main.
 */
export async function createLoopStack(
  name: string,
  options: { requirements?: string } = {},
): Promise<LoopStack> {
  const stack = await createStack(name);
  const ws = stack.workspace;
  writeFileSync(join(ws, ".github/orchestrator.yml"), config(stack.port));
  writeFileSync(join(ws, "services/web/requirements.txt"), options.requirements ?? REQUIREMENTS_BEFORE);
  writeFileSync(join(ws, "services/web/app.py"), "import yaml\n\nprint(yaml.safe_dump({'ok': True}))\n");
  const dockerfile = join(ws, "services/web/Dockerfile");
  const original = readFileSync(dockerfile, "utf8");
  if (!original.includes("COPY www /www\n"))
    throw new Error("the httpd fixture's Dockerfile changed: no 'COPY www /www'");
  writeFileSync(
    dockerfile,
    original.replace(
      "COPY www /www\n",
      "COPY www /www\n# busybox has no pip: the requirements are only copied, and served, so tests see which version runs.\nCOPY requirements.txt /www/requirements.txt\n",
    ),
  );
  stack.git("add", "-A");
  stack.git("commit", "-q", "-m", "web: a Python part that reads YAML");
  const baseSha = stack.git("rev-parse", "HEAD");
  const originDir = join(stack.root, "origin.git");
  execFileSync("git", ["clone", "-q", "--bare", ws, originDir]);
  // The workspace is a clone of "GitHub", as on a real host: origin is https://github.com/acme/stack.git,
  // which git rewrites to the bare repository, so the runner's own fetches need no test hook.
  const remote = `https://github.com/${TEST_OWNER}/${TEST_REPO}.git`;
  stack.git("config", `url.${originDir}.insteadOf`, remote);
  stack.git("remote", "add", "origin", remote);
  stack.git("fetch", "-q", "origin");
  stack.git("remote", "set-head", "origin", "--auto");
  stack.git("branch", "-q", "--set-upstream-to", "origin/main", "main");
  stack.upInitial();
  return { stack, origin: openGitStore(originDir), baseSha };
}

const LOCAL_HOST = /^(127\.0\.0\.1|localhost)(:\d+)?$/;

/**
 * The harness forbids the network; these tests also talk to Docker (dockerode: "localhost" over the
 * socket) and to the deployed service on 127.0.0.1. Let exactly that through, and keep every other
 * harness problem (OpenAPI violations, unmocked GitHub requests) failing the test. Call inside the
 * describe, after useGitHubHarness().
 */
export function allowLocalTraffic(gh: GitHubHarness): void {
  beforeEach(() => {
    nock.enableNetConnect(LOCAL_HOST);
  });
  afterEach(() => {
    // nock reports local requests as "no match" even when they are allowed through.
    const problems = gh
      .takeProblems()
      .filter((p) => !/^unmocked request: [A-Z]+ (127\.0\.0\.1|localhost)[:/]/.test(p));
    if (problems.length > 0) throw new Error(`GitHub harness:\n- ${problems.join("\n- ")}`);
  });
}

/** After the suite: Docker cleanup needs the socket, which the harness's disableNetConnect still blocks. */
export function releaseNetwork(): void {
  nock.enableNetConnect();
}

/** A pytest job that fails on the missing module, as GitHub Actions logs it (timestamps and all). */
export function failingCiRun(headSha: string): FakeRun {
  const t = (s: number) => `2026-03-02T09:14:${String(s).padStart(2, "0")}.1234567Z`;
  const log = [
    `${t(1)} ##[group]Run actions/setup-python@v5`,
    `${t(2)} Successfully set up CPython (3.12.3)`,
    `${t(2)} ##[endgroup]`,
    `${t(3)} ##[group]Run pip install -r services/web/requirements.txt pytest`,
    `${t(9)} Successfully installed blinker-1.8.2 click-8.1.7 flask-3.0.3 itsdangerous-2.2.0 pytest-8.2.0`,
    `${t(9)} ##[endgroup]`,
    `${t(10)} ##[group]Run python -m pytest services/web`,
    `${t(11)} ============================= test session starts ==============================`,
    `${t(11)} collected 0 items / 1 error`,
    `${t(11)} ==================================== ERRORS ====================================`,
    `${t(11)} ____________________ ERROR collecting services/web/app.py _____________________`,
    `${t(11)} Traceback (most recent call last):`,
    `${t(11)}   File "/home/runner/work/stack/stack/services/web/app.py", line 1, in <module>`,
    `${t(11)}     import yaml`,
    `${t(11)} ModuleNotFoundError: No module named 'yaml'`,
    `${t(12)} =========================== short test summary info ============================`,
    `${t(12)} ERROR services/web/app.py`,
    `${t(12)} ##[error]Process completed with exit code 2.`,
  ].join("\n");
  return {
    id: 8_812_345_678,
    name: "CI",
    head_sha: headSha,
    jobs: [
      { id: 24_000_000_001, name: "lint", conclusion: "success", log: "" },
      { id: 24_000_000_002, name: "test web", conclusion: "failure", log: `${log}\n` },
    ],
  };
}

/**
 * PyPI's JSON API for PyYAML: one answer serves the dependency-confusion check (the package exists, its
 * first release is years old) and the version pin (requirements.txt pins).
 */
export function mockPyPI(gh: GitHubHarness): void {
  gh.scope("https://pypi.org")
    .get("/pypi/PyYAML/json")
    .reply(
      200,
      pypiDocument("PyYAML", [
        { version: "3.05", uploaded: new Date("2006-05-12T08:00:00Z") },
        { version: PYYAML_LATEST, uploaded: new Date("2024-08-06T00:00:00Z") },
      ]),
    );
}

export interface RunnerPass {
  code: number;
  /** The runner's JSON log lines (already redacted by its logger). */
  log: Array<{ msg: string; [key: string]: unknown }>;
  stdout: string;
  stderr: string;
}

/**
 * `orchestrator-runner start --once`, as an operator runs it on the Docker host, against the fake
 * GitHub. The only difference from production: retry and throttling are off, so a GitHub error fails
 * at once instead of being retried into the test's timeout.
 */
export async function runnerPass(stack: Stack): Promise<RunnerPass> {
  const out: string[] = [];
  const err: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...stack.env,
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    RUNNER_REPO: `${TEST_OWNER}/${TEST_REPO}`,
    RUNNER_ENVIRONMENT: ENVIRONMENT,
    LOG_LEVEL: "info",
  };
  const code = await startCommand(
    ["--once"],
    {
      stdout: { write: (t: string) => out.push(String(t)) },
      stderr: { write: (t: string) => err.push(String(t)) },
    },
    env,
    {
      createClient: (e) =>
        createInstallationClient({
          appId: e.appId,
          privateKey: e.privateKey,
          owner: e.owner,
          repo: e.repo,
          baseUrl: e.baseUrl,
          octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
        }),
    },
  );
  const stdout = out.join("");
  const log = stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunnerPass["log"][number]);
  return { code, log, stdout, stderr: err.join("") };
}

/** Every text the fake received or produced that leaves "GitHub" (bodies, comments, checks, statuses). */
export function outboundText(gh: GitHubHarness, fake: FakeGitHub, runner: RunnerPass[]): string {
  return [
    gh.bodies(),
    ...fake.comments.map((c) => c.body),
    ...fake.checkRuns.map((c) => JSON.stringify(c.output)),
    ...fake.statuses.map((s) => s.description),
    ...runner.map((r) => r.stdout + r.stderr),
  ].join("\n");
}

/**
 * Registers the hooks of one whole-loop suite: the fixture stack built once (and cleaned up), the
 * production app loaded into the harness before each test, local traffic let through. Returns a getter
 * for the stack, valid inside tests.
 */
export function useLoopWorld(gh: GitHubHarness, name: string): () => LoopStack {
  let world: LoopStack | undefined;
  beforeAll(async () => {
    world = await createLoopStack(name);
  });
  afterAll(async () => {
    releaseNetwork();
    await world?.stack.cleanup();
  });
  beforeEach(() => gh.load(orchestrator));
  allowLocalTraffic(gh);
  return () => {
    if (!world) throw new Error("the loop stack is not built (beforeAll failed?)");
    return world;
  };
}
