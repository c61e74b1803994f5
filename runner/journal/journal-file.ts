import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { redactor } from "../../src/redact/redactor.js";
import { appendLine, nodeAppendIo, type AppendIo } from "./append-line.js";
import type { JournalEvent } from "./events.js";
import { parseJournalText } from "./journal-lines.js";
import { quarantineLines, warnJournal, type JournalWarn } from "./quarantine.js";
import { failpointAfter } from "./failpoint.js";
import { notifyJournal } from "./observers.js";

export { JournalWriteError } from "./append-line.js";

export const JOURNAL_FILE = "journal.jsonl";

export function runsDir(stateDir: string): string {
  return join(stateDir, "runs");
}

export function runDir(stateDir: string, runId: string): string {
  return join(runsDir(stateDir), runId);
}

/** Creates the run folder and makes its directory entry durable. */
export function createRunDir(stateDir: string, runId: string): string {
  const dir = runDir(stateDir, runId);
  mkdirSync(dir, { recursive: true });
  fsyncDir(runsDir(stateDir));
  return dir;
}

/**
 * Appends one event and fsyncs before returning: the event is on disk before the step it announces
 * begins, so a runner killed at any point finds it on restart. A full disk or a failing one throws a
 * JournalWriteError naming the file, and leaves no half line behind (see appendLine).
 */
export function appendEvent(dir: string, event: JournalEvent, io: AppendIo = nodeAppendIo): void {
  appendLine(join(dir, JOURNAL_FILE), `${JSON.stringify(redactor.redactDeep(event))}\n`, io);
  failpointAfter(event);
  notifyJournal(basename(dir), event);
}

/**
 * Reads a run's events. Never throws: a torn or corrupt line is skipped, recorded in
 * `journal.jsonl.quarantine` beside the journal, and warned about once, naming the file and the line;
 * a journal that cannot be read at all is warned about and reads as empty.
 */
export function readEvents(dir: string, warn?: JournalWarn): JournalEvent[] {
  const path = join(dir, JOURNAL_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      (warn ?? warnJournal)(`journal ${path} cannot be read (${(error as Error).message}); run skipped`);
    return [];
  }
  const { events, bad } = parseJournalText(text);
  if (bad.length > 0) quarantineLines(path, bad, warn);
  return events;
}

/** Run ids in the state dir, oldest first (ids start with a UTC timestamp). */
export function listRunIds(stateDir: string): string[] {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, JOURNAL_FILE)))
    .map((entry) => entry.name)
    .sort();
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the file fsyncs still hold.
  }
}
