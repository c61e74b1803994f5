import { hostname } from "node:os";
import type { CliIo } from "../../src/cli/io.js";
import { redactedLogger } from "../../src/redact/logger.js";
import { processRedactor, redact, type Redactor } from "../../src/redact/redactor.js";
import { createRunnerTrust, type RunnerTrust } from "../github/runner-trust.js";
import { isTransient } from "../github/github-backoff.js";
import { createGitHubReporter } from "../github/report/github-reporter.js";
import { createInstallationClient, type InstallationClient } from "../github/installation-client.js";
import { errorMessage } from "../../github/errors.js";
import type { RunnerLog } from "../github/log.js";
import { octokitLog } from "../github/octokit-log.js";
import { pollLoop } from "../github/poll/poll-loop.js";
import { createPoller, type PollerOptions } from "../github/poll/poller.js";
import type { RunnerHealth } from "../status/status-api.js";
import { attachGitHubMetrics } from "../../src/metrics/github-requests.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { resolveProjectName } from "../compose/argv.js";
import { incidentDispatcher } from "../monitor/incident-dispatch.js";
import { startMonitorRuntime, type MonitorRuntime } from "../monitor/monitor-runtime.js";
import { readRunnerEnv, RunnerConfigError, type RunnerGitHubEnv } from "../github/runner-env.js";
import { parseArgs, RunnerUsageError, stringOption } from "./args.js";
import { readDefaultBranchConfig } from "../workspace/default-branch-config.js";
import { stateDirFrom, workspaceFrom } from "./options.js";

export interface StartDeps {
  /** Replaces SIGTERM/SIGINT handling (tests abort it themselves). */
  signal?: AbortSignal;
  createClient?: (env: RunnerGitHubEnv, log: RunnerLog) => InstallationClient;
  /** The App's bot and signing key (default: GET /app with the App's JWT, key from the env). */
  createTrust?: (env: RunnerGitHubEnv, processEnv: NodeJS.ProcessEnv) => RunnerTrust;
  runDeploy?: PollerOptions["runDeploy"];
  reconcile?: PollerOptions["reconcile"];
  /** The process's redactor (runner/cli/main.ts creates it); handed to the logger and the Octokit. */
  redactor?: Redactor;
}

/**
 * `start [--workspace DIR] [--once]`: authenticate as the App installation for RUNNER_REPO, finish what
 * a previous runner left, then poll deployments until SIGTERM/SIGINT. JSON log lines on stdout.
 */
export async function startCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  deps: StartDeps = {},
): Promise<number> {
  const args = parseArgs(argv, ["workspace"], ["once"]);
  if (args.positional.length > 0) throw new RunnerUsageError(`unexpected argument '${args.positional[0]}'`);
  let ghEnv: RunnerGitHubEnv;
  try {
    ghEnv = readRunnerEnv(env);
  } catch (error) {
    if (error instanceof RunnerConfigError) throw new RunnerUsageError(error.message);
    throw error;
  }
  const redactor = (deps.redactor ?? processRedactor()).addFromEnv(env).add(ghEnv.privateKey);
  let trust: RunnerTrust;
  try {
    trust = (deps.createTrust ?? defaultTrust)(ghEnv, env);
  } catch (error) {
    throw new RunnerUsageError(errorMessage(error));
  }
  const workspace = workspaceFrom(stringOption(args, "workspace"), env);
  const stateDir = stateDirFrom(env);
  // Fail fast on a workspace without a readable default-branch config (local refs, no fetch yet);
  // every pass fetches the default branch and reads it again.
  let lastConfig: OrchestratorConfig;
  try {
    lastConfig = (await readDefaultBranchConfig(workspace)).config;
  } catch (error) {
    throw new RunnerUsageError(errorMessage(error));
  }

  const logger = redactedLogger({
    name: "orchestrator-runner",
    level: env.LOG_LEVEL,
    destination: io.stdout,
    redactor,
  });
  const log: RunnerLog = logger;
  const baseClient = deps.createClient ? deps.createClient(ghEnv, log) : defaultClient(ghEnv, log, redactor);
  // Set once the monitor runtime (and its metrics) exists; every Octokit is then counted.
  let runtime: MonitorRuntime | null = null;
  const client: InstallationClient = {
    owner: baseClient.owner,
    repo: baseClient.repo,
    token: () => baseClient.token(),
    async octokit() {
      const octokit = await baseClient.octokit();
      if (runtime) attachGitHubMetrics(octokit, runtime.metrics.github);
      return octokit;
    },
  };
  const runner = hostname();
  const reporter = createGitHubReporter({
    gh: client,
    stateDir,
    log,
    runner,
    dispatchRuntimeFailures: ghEnv.dispatchRuntimeFailures,
  });
  const poller = createPoller({
    gh: client,
    reporter,
    stateDir,
    workspace,
    gitRemote: ghEnv.gitRemote,
    loadConfig: async () => {
      const read = await readDefaultBranchConfig(workspace, { fetch: true, token: await client.token() });
      if (read.fetchError)
        log.warn(
          { branch: read.branch, sha: read.sha, err: redact(read.fetchError) },
          "could not fetch the default branch; using the config at the last fetched commit",
        );
      lastConfig = read.config;
      return read.config;
    },
    environments: ghEnv.environments,
    env,
    log,
    trust,
    ...(deps.runDeploy ? { runDeploy: deps.runDeploy } : {}),
    ...(deps.reconcile ? { reconcile: deps.reconcile } : {}),
  });

  // Authentication problems that retrying cannot fix (App not installed, wrong key) end the command.
  try {
    await client.octokit();
  } catch (error) {
    if (!isTransient(error)) {
      log.error({ err: redact(errorMessage(error)) }, "cannot authenticate as the GitHub App installation");
      io.stderr.write(`orchestrator-runner start: ${redact(errorMessage(error))}\n`);
      return 1;
    }
    log.warn({ err: redact(errorMessage(error)) }, "GitHub unreachable at start; will keep trying");
  }
  log.info(
    {
      repo: `${ghEnv.owner}/${ghEnv.repo}`,
      environments: ghEnv.environments ?? "from config",
      stateDir,
      workspace,
      intervalMs: ghEnv.pollIntervalMs,
    },
    "runner started",
  );

  if (args.options.has("once")) {
    try {
      const summary = await poller.pass();
      log.info({ ...summary }, "single pass done");
      return 0;
    } catch (error) {
      log.error({ err: redact(errorMessage(error)) }, "pass failed");
      return 1;
    }
  }

  const controller = new AbortController();
  const onSignal = (name: string) => () => {
    log.info({ signal: name }, "stopping: no new deploys; the one running finishes");
    poller.stop();
    controller.abort();
  };
  const stopOnTerm = onSignal("SIGTERM");
  const stopOnInt = onSignal("SIGINT");
  if (deps.signal) deps.signal.addEventListener("abort", onSignal("abort"), { once: true });
  else {
    process.once("SIGTERM", stopOnTerm);
    process.once("SIGINT", stopOnInt);
  }
  const health: RunnerHealth = {
    startedAt: new Date().toISOString(),
    lastPassAt: null,
    failures: 0,
    lastError: null,
  };
  let project: string;
  try {
    project = resolveProjectName(env, workspace);
  } catch (error) {
    throw new RunnerUsageError(errorMessage(error));
  }
  runtime = await startMonitorRuntime({
    workspace,
    stateDir,
    project,
    env,
    log,
    config: () => lastConfig,
    statusPort: ghEnv.statusPort,
    health,
    monitorEnabled: lastConfig.monitor.enabled,
    onIncident: incidentDispatcher(client, ghEnv.dispatchRuntimeFailures),
  });
  if (!lastConfig.monitor.enabled) log.info({}, "health monitor off (monitor.enabled: false)");
  try {
    await pollLoop(poller, { intervalMs: ghEnv.pollIntervalMs, log, signal: controller.signal, health });
  } finally {
    process.removeListener("SIGTERM", stopOnTerm);
    process.removeListener("SIGINT", stopOnInt);
    await runtime.stop();
  }
  log.info({}, "runner stopped");
  return 0;
}

function defaultTrust(env: RunnerGitHubEnv, processEnv: NodeJS.ProcessEnv): RunnerTrust {
  return createRunnerTrust({
    appId: env.appId,
    privateKey: env.privateKey,
    baseUrl: env.baseUrl,
    signingSecret: processEnv.ORCHESTRATOR_SIGNING_KEY,
  });
}

function defaultClient(env: RunnerGitHubEnv, log: RunnerLog, redactor: Redactor): InstallationClient {
  return createInstallationClient({
    appId: env.appId,
    privateKey: env.privateKey,
    owner: env.owner,
    repo: env.repo,
    baseUrl: env.baseUrl,
    log: octokitLog(log),
    redactor,
  });
}
