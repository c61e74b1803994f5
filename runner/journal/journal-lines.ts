import type { JournalEvent } from "./events.js";

/** A journal line that is not an event: skipped by readers, recorded in the quarantine file. */
export interface BadLine {
  /** 1-based line number in the journal file. */
  line: number;
  reason: string;
  text: string;
}

/**
 * Splits a journal's text into events and bad lines. A line that is not a JSON object with a `type`
 * is bad; so is a last line without its newline that does not parse (a crash or a full disk cut it).
 * Never throws.
 */
export function parseJournalText(text: string): { events: JournalEvent[]; bad: BadLine[] } {
  const lines = text.split("\n");
  const events: JournalEvent[] = [];
  const bad: BadLine[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const torn = index === lines.length - 1; // the text does not end with a newline
    const event = parseEvent(line);
    if (event) events.push(event);
    else
      bad.push({
        line: index + 1,
        reason: torn ? "a torn last line (no newline)" : event === null ? "not JSON" : "not a journal event",
        text: line,
      });
  });
  return { events, bad };
}

/** The event, `null` when the line is not JSON, `undefined` when it is JSON but not an event. */
function parseEvent(line: string): JournalEvent | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const ok =
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string";
  return ok ? (value as JournalEvent) : undefined;
}
