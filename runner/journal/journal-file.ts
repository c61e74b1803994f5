import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
  existsSync,
} from "node:fs";
import { join } from "node:path";
import { redactor } from "../../src/redact/redactor.js";
import type { JournalEvent } from "./events.js";
import { failpointAfter } from "./failpoint.js";

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
 * begins, so a runner killed at any point finds it on restart.
 */
export function appendEvent(dir: string, event: JournalEvent): void {
  const line = `${JSON.stringify(redactor.redactDeep(event))}\n`;
  const fd = openSync(join(dir, JOURNAL_FILE), "a");
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  failpointAfter(event);
}

/** Reads a run's events; a torn last line (killed mid-write) is ignored, torn lines elsewhere are an error. */
export function readEvents(dir: string): JournalEvent[] {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").split("\n");
  const events: JournalEvent[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      const isLast = lines.slice(index + 1).every((rest) => !rest.trim());
      if (!isLast) throw new Error(`journal ${path} line ${index + 1} is not JSON`);
    }
  });
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
