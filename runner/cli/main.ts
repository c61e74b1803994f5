import { createRedactor, useProcessRedactor } from "../../src/redact/redactor.js";
import { dispatch, type CliProgram } from "../../src/cli/dispatch.js";
import type { CliIo } from "../../src/cli/io.js";
import { RunnerUsageError } from "./args.js";
import { deployCommand } from "./deploy-command.js";
import { reconcileCommand, runsCommand, statusCommand } from "./journal-commands.js";

const USAGE = `usage: orchestrator-runner <command> [options]

commands:
  start                                   poll GitHub deployments and run them (GitHub side)
  deploy <service> [--workspace DIR] [--ref REF] [--project NAME] [--file F]...
                                          build, restart, verify and (on failure) roll back one service
                                          locally; exit 0 deployed, 3 rolled back, 4 rollback failed, 1 failed
  status [--json]                         per service the live version and the last failed attempt,
                                          held locks, runs needing reconcile
  runs [--service S] [--limit N] [--json] the run journal, newest first
  reconcile                               finish and report runs a killed runner left behind
  monitor [--workspace DIR] [--project NAME]
                                          the health monitor and the status API alone (no GitHub, no
                                          dispatches), until SIGTERM/SIGINT

environment:
  all commands  RUNNER_WORKSPACE, RUNNER_STATE_DIR (default ./.state), COMPOSE_PROJECT_NAME, COMPOSE_FILE,
                DOCKER_HOST, RUNNER_COMPOSE=v1|v2 (skip the plugin probe), LOG_LEVEL
  start, monitor  RUNNER_STATUS_PORT (loopback status API and /metrics), STATSD_HOST, STATSD_PORT,
                STATSD_PREFIX (default orchestrator)
  start         APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, RUNNER_REPO (owner/name), RUNNER_ENVIRONMENT,
                RUNNER_POLL_INTERVAL, RUNNER_STATUS_PORT, RUNNER_DISPATCH_RUNTIME_FAILURES, GHE_HOST,
                ORCHESTRATOR_SIGNING_KEY (only if the app sets it too; default: derived from the private key)
exit codes: 0 ok, 1 failed or refused, 2 usage, 3 rolled back, 4 rollback failed
`;

const PROGRAM: CliProgram = {
  name: "orchestrator-runner",
  usage: USAGE,
  commands: {
    deploy: deployCommand,
    status: statusCommand,
    runs: runsCommand,
    reconcile: reconcileCommand,
    monitor: (argv, io, env) => import("./monitor-command.js").then((m) => m.monitorCommand(argv, io, env)),
    // Loaded lazily so that local commands never load probot.
    start: (argv, io, env) => import("./start-command.js").then((m) => m.startCommand(argv, io, env)),
  },
  isUsageError: (error) => error instanceof RunnerUsageError,
};

export async function main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The process's one redactor: the logger, the Octokit and every artifact and journal line use it.
  useProcessRedactor(createRedactor().addFromEnv(env));
  return dispatch(PROGRAM, argv, io, env);
}
