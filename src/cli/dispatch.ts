import type { CliIo } from "./io.js";
import { packageInfo } from "./package-info.js";
import { errorMessage } from "../../github/errors.js";

export type CliCommand = (argv: string[], io: CliIo, env: NodeJS.ProcessEnv) => Promise<number>;

export interface CliProgram {
  name: string;
  usage: string;
  commands: Record<string, CliCommand>;
  /** Errors that mean "the call's words are off": printed without a stack, exit 2. */
  isUsageError(error: unknown): boolean;
  /**
   * Commands that answer `--help` / `-h` themselves. For the others, `<command> --help` prints the
   * program's usage (which lists every command's options) with exit 0.
   */
  selfHelp?: readonly string[];
  /** One command's own usage, printed for `<command> --help` instead of the program's. */
  commandUsage?: Readonly<Record<string, string>>;
}

/** `--help` or `-h` among a command's arguments (before a `--` that ends the options). */
function asksForHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

/**
 * Runs one subcommand of a CLI: usage on no command (exit 2) or `help` (exit 0), `--version` (exit 0),
 * unknown command = 2, usage errors = 2, any other error = 1 with its message (never a stack trace).
 */
export async function dispatch(
  program: CliProgram,
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(program.usage);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    const info = packageInfo();
    io.stdout.write(`${program.name} ${info.version} (${info.name})\n`);
    return 0;
  }
  const command = Object.hasOwn(program.commands, name) ? program.commands[name] : undefined;
  if (!command) {
    io.stderr.write(`${program.name}: unknown command '${name}'\n${program.usage}`);
    return 2;
  }
  if (!program.selfHelp?.includes(name) && asksForHelp(rest)) {
    io.stdout.write(program.commandUsage?.[name] ?? program.usage);
    return 0;
  }
  try {
    return await command(rest, io, env);
  } catch (error) {
    const message = errorMessage(error);
    io.stderr.write(`${program.name} ${name}: ${message}\n`);
    return program.isUsageError(error) ? 2 : 1;
  }
}
