/**
 * `monitor [--workspace DIR] [--project NAME]`: the health monitor and the status API alone, for a
 * local stack: no GitHub, no dispatches. The config is the workspace's `.github/orchestrator.yml`,
 * read again when the file changes. JSON log lines on stdout; stops on SIGTERM/SIGINT.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { redactedLogger } from "../../src/redact/logger.js";
import { processRedactor } from "../../src/redact/redactor.js";
import { resolveProjectName } from "../compose/argv.js";
import { errorMessage } from "../../github/errors.js";
import { RunnerConfigError, statusPortFrom } from "../monitor/status-port.js";
import { startMonitorRuntime } from "../monitor/monitor-runtime.js";
import { parseArgs, RunnerUsageError, stringOption } from "./args.js";
import { CONFIG_PATH } from "../../contract/config-path.js";
import { loadWorkspaceConfig, stateDirFrom, workspaceFrom } from "./options.js";

export interface MonitorDeps {
  /** Stops the command (tests); default SIGTERM/SIGINT. */
  signal?: AbortSignal;
}

export async function monitorCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv,
  deps: MonitorDeps = {},
): Promise<number> {
  const args = parseArgs(argv, ["workspace", "project"]);
  if (args.positional.length > 0) throw new RunnerUsageError(`unexpected argument '${args.positional[0]}'`);
  const workspace = workspaceFrom(stringOption(args, "workspace"), env);
  let statusPort: number | null;
  try {
    statusPort = statusPortFrom(env.RUNNER_STATUS_PORT);
  } catch (error) {
    if (error instanceof RunnerConfigError) throw new RunnerUsageError(error.message);
    throw error;
  }
  const configFile = join(workspace, CONFIG_PATH);
  let config = loadWorkspaceConfig(workspace);
  let configStamp = stamp(configFile);
  let project: string;
  try {
    project = stringOption(args, "project") ?? resolveProjectName(env, workspace);
  } catch (error) {
    throw new RunnerUsageError(errorMessage(error));
  }
  const stateDir = stateDirFrom(env);
  const logger = redactedLogger({
    name: "orchestrator-runner",
    level: env.LOG_LEVEL,
    destination: io.stdout,
    redactor: processRedactor().addFromEnv(env),
  });
  const currentConfig = (): OrchestratorConfig => {
    const now = stamp(configFile);
    if (now === configStamp) return config;
    configStamp = now;
    try {
      config = loadWorkspaceConfig(workspace);
      logger.info({ file: configFile }, "config changed: the monitor uses it from now on");
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, "config changed but is invalid: keeping the previous one");
    }
    return config;
  };
  const runtime = await startMonitorRuntime({
    workspace,
    stateDir,
    project,
    env,
    log: logger,
    config: currentConfig,
    statusPort,
    monitorEnabled: true,
  });
  logger.info(
    {
      workspace,
      project,
      stateDir,
      services: Object.keys(config.services),
      statusPort: runtime.server?.port ?? null,
    },
    statusPort === null ? "monitor started (no RUNNER_STATUS_PORT: no status API)" : "monitor started",
  );
  await new Promise<void>((resolve) => {
    if (deps.signal) {
      if (deps.signal.aborted) resolve();
      deps.signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.removeListener("SIGTERM", stop);
      process.removeListener("SIGINT", stop);
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await runtime.stop();
  logger.info({}, "monitor stopped");
  return 0;
}

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return "missing";
  }
}
