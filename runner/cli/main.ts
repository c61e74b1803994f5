import { createRedactor, useProcessRedactor } from "../../src/redact/redactor.js";
import { dispatch, type CliProgram } from "../../src/cli/dispatch.js";
import type { CliIo } from "../../src/cli/io.js";
import { RunnerUsageError } from "./args.js";
import { COMMAND_USAGE, RUNNER_USAGE } from "./usage.js";

export const PROGRAM: CliProgram = {
  name: "orchestrator-runner",
  usage: RUNNER_USAGE,
  commandUsage: COMMAND_USAGE,
  commands: {
    // Every command is loaded when it runs, so that one never loads what only another needs: the
    // monitor neither dockerode nor git nor the deploy pipeline, local commands never probot.
    deploy: (argv, io, env) => import("./deploy-command.js").then((m) => m.deployCommand(argv, io, env)),
    status: (argv, io, env) => import("./journal-commands.js").then((m) => m.statusCommand(argv, io, env)),
    runs: (argv, io, env) => import("./journal-commands.js").then((m) => m.runsCommand(argv, io, env)),
    reconcile: (argv, io, env) =>
      import("./journal-commands.js").then((m) => m.reconcileCommand(argv, io, env)),
    monitor: (argv, io, env) => import("./monitor-command.js").then((m) => m.monitorCommand(argv, io, env)),
    start: (argv, io, env) => import("./start-command.js").then((m) => m.startCommand(argv, io, env)),
  },
  isUsageError: (error) => error instanceof RunnerUsageError,
};

export async function main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The process's one redactor: the logger, the Octokit and every artifact and journal line use it.
  useProcessRedactor(createRedactor().addFromEnv(env));
  return dispatch(PROGRAM, argv, io, env);
}
