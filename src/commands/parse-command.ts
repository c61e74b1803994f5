import { SERVICE_NAME } from "../../contract/service-name.js";
import { redact } from "../redact/redactor.js";

/**
 * The `/orchestrator ...` comment grammar. Pure: the parser only reads text and returns either a typed
 * command or an error that says what was wrong and what is valid. Nothing from a comment is ever run.
 */

export type Command =
  | { name: "fix"; service: string; force: boolean }
  | { name: "plan"; service: string }
  | { name: "deploy"; service: string; ref?: string }
  | { name: "rollback"; service: string }
  | { name: "status"; service?: string }
  | { name: "retry" }
  | { name: "help" };

export type CommandName = Command["name"];

export type ParseResult =
  { kind: "none" } | { kind: "command"; command: Command } | { kind: "error"; message: string };

export const COMMAND_USAGE: Record<CommandName, string> = {
  fix: "/orchestrator fix <service> [--force]",
  plan: "/orchestrator plan <service>",
  deploy: "/orchestrator deploy <service> [ref]",
  rollback: "/orchestrator rollback <service>",
  status: "/orchestrator status [service]",
  retry: "/orchestrator retry",
  help: "/orchestrator help",
};

const PREFIX = "/orchestrator";
const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/** Finds the first `/orchestrator` line outside code blocks and quotes, and parses it. */
export function parseCommand(body: string): ParseResult {
  const line = commandLine(body);
  if (line === null) return { kind: "none" };
  const tokens = line.slice(PREFIX.length).trim().split(/\s+/).filter(Boolean);
  const [name, ...args] = tokens;
  if (!name || name === "help") return args.length > 0 ? extra("help", args) : ok({ name: "help" });
  switch (name) {
    case "fix":
      return parseFix(args);
    case "plan":
      return withService("plan", args, 0, (service) => ({ name: "plan", service }));
    case "rollback":
      return withService("rollback", args, 0, (service) => ({ name: "rollback", service }));
    case "deploy":
      return withService("deploy", args, 1, (service, rest) => {
        const ref = rest[0];
        if (ref === undefined) return { name: "deploy", service };
        if (!REF.test(ref) || ref.includes("..")) {
          return `${show(ref)} is not a valid git ref (letters, digits, '.', '_', '/', '-'; no '..')`;
        }
        return { name: "deploy", service, ref };
      });
    case "status":
      if (args.length === 0) return ok({ name: "status" });
      return withService("status", args, 0, (service) => ({ name: "status", service }));
    case "retry":
      return args.length > 0 ? extra("retry", args) : ok({ name: "retry" });
    default:
      return error(`unknown command ${show(name)}. Valid commands:\n${usageList()}`);
  }
}

function parseFix(args: string[]): ParseResult {
  const flags = args.filter((a) => a.startsWith("--"));
  const unknown = flags.filter((f) => f !== "--force");
  if (unknown.length > 0)
    return error(`unknown option ${show(unknown[0]!)} for fix. Usage: \`${COMMAND_USAGE.fix}\``);
  const positional = args.filter((a) => !a.startsWith("--"));
  return withService("fix", positional, 0, (service) => ({
    name: "fix",
    service,
    force: flags.includes("--force"),
  }));
}

function withService(
  name: CommandName,
  args: string[],
  optionalAfter: number,
  build: (service: string, rest: string[]) => Command | string,
): ParseResult {
  const [service, ...rest] = args;
  if (!service) return error(`\`${name}\` needs a service. Usage: \`${COMMAND_USAGE[name]}\``);
  if (!SERVICE_NAME.test(service)) {
    return error(
      `${show(service)} is not a valid service name (lowercase letters, digits, '.', '_' and '-'). Usage: \`${COMMAND_USAGE[name]}\``,
    );
  }
  if (rest.length > optionalAfter) return extra(name, rest.slice(optionalAfter));
  const built = build(service, rest);
  return typeof built === "string" ? error(built) : ok(built);
}

function commandLine(body: string): string | null {
  let fence: string | null = null;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const opener = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener) {
      if (fence === null) fence = opener;
      else if (opener.startsWith(fence)) fence = null;
      continue;
    }
    if (fence !== null) continue;
    if (line === PREFIX || line.startsWith(`${PREFIX} `) || line.startsWith(`${PREFIX}\t`)) return line;
  }
  return null;
}

/** Quotes user text for an answer: no backticks or control characters, at most 40 characters. */
export function show(text: string): string {
  // Redacted before the cut, so the cut cannot leave a piece of a token the patterns miss.
  const clean = redact(text).replace(/[`\u0000-\u001f\u007f]/g, "?");
  return `\`${clean.length > 40 ? `${clean.slice(0, 40)}...` : clean}\``;
}

export function usageList(): string {
  return Object.values(COMMAND_USAGE)
    .map((u) => `- \`${u}\``)
    .join("\n");
}

function ok(command: Command): ParseResult {
  return { kind: "command", command };
}

function error(message: string): ParseResult {
  return { kind: "error", message };
}

function extra(name: CommandName, args: string[]): ParseResult {
  return error(
    `unexpected argument ${show(args.join(" "))} for \`${name}\`. Usage: \`${COMMAND_USAGE[name]}\``,
  );
}
