import { hostname } from "node:os";
import type { CliIo } from "../../src/cli/io.js";
import { redactedLogger } from "../../src/redact/logger.js";
import { redact, redactor } from "../../src/redact/redactor.js";
import { isTransient } from "../github/backoff.js";
import { createGitHubReporter } from "../github/github-reporter.js";
import { createInstallationClient, type InstallationClient } from "../github/installation-client.js";
import { errorMessage, type RunnerLog } from "../github/log.js";
import { octokitLog } from "../github/octokit-log.js";
import { pollLoop } from "../github/poll-loop.js";
import { createPoller, type PollerOptions } from "../github/poller.js";
import { startStatusServer, type RunnerHealth } from "../github/status-api.js";
import { readRunnerEnv, RunnerConfigError, type RunnerGitHubEnv } from "../github/runner-env.js";
import { parseArgs, RunnerUsageError, stringOption } from "./args.js";
import { readDefaultBranchConfig } from "../workspace/default-branch-config.js";
import { stateDirFrom, workspaceFrom } from "./options.js";

export interface StartDeps {
  /** Replaces SIGTERM/SIGINT handling (tests abort it themselves). */
  signal?: AbortSignal;
  createClient?: (env: RunnerGitHubEnv, log: RunnerLog) => InstallationClient;
  runDeploy?: PollerOptions["runDeploy"];
  reconcile?: PollerOptions["reconcile"];
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
  redactor.add(ghEnv.privateKey);
  const workspace = workspaceFrom(stringOption(args, "workspace"), env);
  const stateDir = stateDirFrom(env);
  // Fail fast on a workspace without a readable default-branch config (local refs, no fetch yet);
  // every pass fetches the default branch and reads it again.
  try {
    await readDefaultBranchConfig(workspace);
  } catch (error) {
    throw new RunnerUsageError(errorMessage(error));
  }

  const logger = redactedLogger({
    name: "orchestrator-runner",
    level: env.LOG_LEVEL,
    destination: io.stdout,
  });
  const log: RunnerLog = logger;
  const client = (deps.createClient ?? defaultClient)(ghEnv, log);
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
      return read.config;
    },
    environments: ghEnv.environments,
    env,
    log,
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
  const server =
    ghEnv.statusPort === null ? null : await startStatusServer(ghEnv.statusPort, stateDir, health);
  if (server) log.info({ port: ghEnv.statusPort }, "status API on 127.0.0.1");
  try {
    await pollLoop(poller, { intervalMs: ghEnv.pollIntervalMs, log, signal: controller.signal, health });
  } finally {
    process.removeListener("SIGTERM", stopOnTerm);
    process.removeListener("SIGINT", stopOnInt);
    server?.close();
  }
  log.info({}, "runner stopped");
  return 0;
}

function defaultClient(env: RunnerGitHubEnv, log: RunnerLog): InstallationClient {
  return createInstallationClient({
    appId: env.appId,
    privateKey: env.privateKey,
    owner: env.owner,
    repo: env.repo,
    baseUrl: env.baseUrl,
    log: octokitLog(log),
  });
}
