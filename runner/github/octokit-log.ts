import { inspect } from "node:util";
import type { RunnerLog } from "./log.js";

/** Octokit's log interface: console-style arguments (Probot's request logging passes pino-style). */
export interface OctokitLog {
  debug: (...args: unknown[]) => void;
  info: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
}

/** Longest text one argument contributes to a log line (request bodies can be whole comments). */
const MAX_ARG_CHARS = 2_000;

/**
 * Routes Octokit's and Probot's log calls into the runner's JSON log. Arguments are formatted so that
 * nothing can throw: null-prototype objects (Probot logs request bodies that way), circular
 * structures, errors, symbols. The runner's logger redacts the finished line.
 */
export function octokitLog(log: RunnerLog): OctokitLog {
  const at =
    (level: keyof RunnerLog) =>
    (...args: unknown[]) => {
      try {
        const [first, ...rest] = args;
        // pino style: (fields, message) — keep the fields as data, the message as msg.
        if (isFields(first) && rest.length > 0)
          log[level]({ source: "octokit", data: formatArg(first) }, rest.map(formatArg).join(" "));
        else log[level]({ source: "octokit" }, args.map(formatArg).join(" "));
      } catch {
        // A log line must never break a request.
      }
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function isFields(value: unknown): value is object {
  return typeof value === "object" && value !== null && !(value instanceof Error) && !Array.isArray(value);
}

/** One argument as text: strings as they are, errors by message, anything else through inspect. */
export function formatArg(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value instanceof Error) text = value.message || value.name;
  else {
    try {
      text = inspect(value, { depth: 4, breakLength: Infinity, maxStringLength: MAX_ARG_CHARS });
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > MAX_ARG_CHARS ? `${text.slice(0, MAX_ARG_CHARS)}… (${text.length} chars)` : text;
}
