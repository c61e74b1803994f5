/**
 * The runs this process is executing right now. reconcile() leaves exactly these alone: a run that
 * carries our pid but is not here was abandoned by a runDeploy that threw, and must be finished.
 */
const active = new Set<string>();

export function markRunActive(runId: string): void {
  active.add(runId);
}

export function markRunDone(runId: string): void {
  active.delete(runId);
}

export function isRunActive(runId: string): boolean {
  return active.has(runId);
}
