import { listRunIds, readEvents, runDir } from "./journal-file.js";
import { viewRun, type RunView } from "./run-view.js";

/** Every run in the state dir, oldest first. */
export function allRuns(stateDir: string): RunView[] {
  return listRunIds(stateDir).map((id) => viewRun(id, readEvents(runDir(stateDir, id))));
}

/** The SHA the last successful deploy of a service put in place, from the journal. */
export function lastDeployedSha(stateDir: string, service: string): string | null {
  const runs = allRuns(stateDir).filter((r) => r.start?.service === service && r.result);
  for (const run of runs.reverse()) {
    if (run.result!.status === "success") return run.result!.targetSha;
    if (run.result!.status === "rolled_back") return run.result!.previousSha;
  }
  return null;
}
