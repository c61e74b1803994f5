/** A usage error: printed with the usage text, exit code 2. */
export class RunnerUsageError extends Error {
  override readonly name = "RunnerUsageError";
}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/**
 * `--name value`, `--name=value` and boolean `--flag`. Only names in `valued`/`flags` are accepted,
 * so a typo is an error instead of being ignored.
 */
export function parseArgs(argv: string[], valued: string[], flags: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^-[^-]/.test(arg)) throw new RunnerUsageError(`unknown option ${arg}`);
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) {
      if (inline !== undefined) throw new RunnerUsageError(`--${name} takes no value`);
      options.set(name, true);
    } else if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") throw new RunnerUsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new RunnerUsageError(`unknown option --${name}`);
    }
  }
  return { positional, options };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === "string" ? value : undefined;
}

export function positiveIntOption(args: ParsedArgs, name: string, fallback: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new RunnerUsageError(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}
