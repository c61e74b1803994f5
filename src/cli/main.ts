import { diagnoseCommand } from "./diagnose-command.js";
import { fixCommand } from "./fix-command.js";
import { UsageError, type CliIo } from "./io.js";

const USAGE = `usage: orchestrator <command> [options]

commands:
  diagnose --log FILE [--json] [--repo DIR]      read a build log and name the missing dependency
  fix --repo DIR --service NAME --log FILE [--write]
                                                 print the allow-listed diff a fix would commit
                                                 (config from DIR/.github/orchestrator.yml); --write applies it
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  diagnose: diagnoseCommand,
  fix: fixCommand,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`orchestrator: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`orchestrator ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`orchestrator ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
