import { createRedactor, useProcessRedactor } from "../../src/redact/redactor.js";
import { dispatch, type CliProgram } from "../../src/cli/dispatch.js";
import type { CliIo } from "../../src/cli/io.js";
import { RunnerUsageError } from "./args.js";
import { deployCommand } from "./deploy-command.js";
import { reconcileCommand, runsCommand, statusCommand } from "./journal-commands.js";
import { COMMAND_USAGE, RUNNER_USAGE } from "./usage.js";

export const PROGRAM: CliProgram = {
  name: "orchestrator-runner",
  usage: RUNNER_USAGE,
  commandUsage: COMMAND_USAGE,
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
