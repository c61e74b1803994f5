/**
 * Listeners for journal events once they are on disk (metrics). A listener that throws is ignored: an
 * observer can never stop or fail a run.
 */
import type { JournalEvent } from "./events.js";

export type JournalObserver = (runId: string, event: JournalEvent) => void;

const observers = new Set<JournalObserver>();

export function observeJournal(observer: JournalObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function notifyJournal(runId: string, event: JournalEvent): void {
  for (const observer of observers) {
    try {
      observer(runId, event);
    } catch {
      // metrics must never break a deploy
    }
  }
}
