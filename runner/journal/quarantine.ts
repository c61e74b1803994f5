import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { redact } from "../../src/redact/redactor.js";
import { appendLine } from "./append-line.js";
import type { BadLine } from "./journal-lines.js";

export type JournalWarn = (message: string) => void;

let sink: JournalWarn = (message) => void process.stderr.write(`warning: ${message}\n`);

/** Where journal warnings go (stderr by default); returns the previous sink. */
export function setJournalWarningSink(next: JournalWarn): JournalWarn {
  const previous = sink;
  sink = next;
  return previous;
}

/** Sends a warning to the current sink. */
export function warnJournal(message: string): void {
  sink(message);
}

export function quarantinePath(journalPath: string): string {
  return `${journalPath}.quarantine`;
}

/** Bad lines this process already warned about, so that a journal read again and again warns once. */
const warned = new Set<string>();

/**
 * Records bad journal lines in `<journal>.quarantine` (JSON lines: line, reason, text) and warns once
 * per line, naming the file and the line. A line already recorded (by any process) is not recorded or
 * warned about again. Never throws: a quarantine file that cannot be written (full disk, read-only
 * state dir) only changes the warning.
 */
export function quarantineLines(journalPath: string, bad: BadLine[], warn: JournalWarn = sink): void {
  const target = quarantinePath(journalPath);
  const recorded = recordedKeys(target);
  for (const entry of bad) {
    const key = `${entry.line}:${createHash("sha256").update(entry.text).digest("hex").slice(0, 16)}`;
    if (recorded.has(key)) continue;
    let where = `recorded in ${target}`;
    try {
      const record = { at: new Date().toISOString(), key, ...entry, text: redact(entry.text.slice(0, 4096)) };
      appendLine(target, `${JSON.stringify(record)}\n`);
      recorded.add(key);
    } catch (error) {
      where = `could not be recorded in ${target}: ${(error as Error).message}`;
    }
    if (warned.has(`${journalPath}:${key}`)) continue;
    warned.add(`${journalPath}:${key}`);
    warn(`journal ${journalPath} line ${entry.line} is ${entry.reason}; skipped, ${where}`);
  }
}

function recordedKeys(path: string): Set<string> {
  const keys = new Set<string>();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return keys;
  }
  for (const line of text.split("\n")) {
    try {
      const key = (JSON.parse(line) as { key?: unknown }).key;
      if (typeof key === "string") keys.add(key);
    } catch {
      // a torn record: that line gets recorded again
    }
  }
  return keys;
}
