import { createRedactor, useProcessRedactor } from "../redact/redactor.js";
import { diagnoseCommand } from "./diagnose-command.js";
import { dispatch, type CliProgram } from "./dispatch.js";
import { UsageError, type CliIo } from "./io.js";

const USAGE = `usage: orchestrator <command> [options]
       orchestrator <command> --help | --version

commands:
  demo [--yes] [--no-docker] [--keep]               the whole loop on the bundled example stack, locally:
                                                 failing build, diagnosis, fix, merge, deploy, rollback
  diagnose --log FILE [--json] [--repo DIR]      read a build log and name the missing dependency
  fix --repo DIR --service NAME --log FILE [--write] [--no-lookup]
                                                 print the allow-listed diff a fix would commit
                                                 (config from DIR/.github/orchestrator.yml); --write applies it;
                                                 --no-lookup asks no registry (adds the package unpinned)

'orchestrator <command> --help' shows one command's options and exit codes.
`;

const PROGRAM: CliProgram = {
  name: "orchestrator",
  usage: USAGE,
  commands: {
    // Loaded lazily: only the demo needs the runner and dockerode.
    demo: (argv, io, env) => import("./demo-command.js").then((m) => m.demoCommand(argv, io, env)),
    diagnose: (argv, io) => diagnoseCommand(argv, io),
    fix: async (argv, io) => (await import("./fix-command.js")).fixCommand(argv, io),
  },
  isUsageError: (error) => error instanceof UsageError,
  selfHelp: ["demo", "diagnose", "fix"],
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  // The process's one redactor: every line the commands print passes through it.
  useProcessRedactor(createRedactor().addFromEnv(process.env));
  return dispatch(PROGRAM, argv, io);
}
