import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import type { RunView } from "../journal/run-view.js";
import { pathsAdded, trackedChanges, unheldCommits } from "./git-workspace.js";

/**
 * The one rule for the workspace: a deploy never loses work, committed or not. A clean checkout may
 * be anywhere (new commits, another branch): the deploy takes the ref it was asked for. It is refused
 * only for what a checkout would lose, and the refusal names it. Untracked files never block, unless
 * the target itself would write over them.
 */

const SAMPLE = 10;

function list(items: string[]): string {
  const shown = items.slice(0, SAMPLE).join(", ");
  return items.length > SAMPLE ? `${shown} and ${items.length - SAMPLE} more` : shown;
}

/** Uncommitted changes to tracked files: they would be built without being in any commit, or lost. */
export async function uncommittedRefusal(git: SimpleGit, workspace: string): Promise<string | null> {
  const changed = await trackedChanges(git);
  if (changed.length === 0) return null;
  return `workspace ${workspace} has uncommitted changes to tracked files: ${list(changed)}; commit or stash them first (untracked files do not matter) — nothing was touched`;
}

/**
 * Moving HEAD from `head` to `target`: refused when it would leave commits that no branch, tag or
 * remote holds (made on a detached HEAD), or write over files git does not track.
 */
export async function moveRefusal(
  git: SimpleGit,
  move: { workspace: string; ref: string; head: string; target: string; runnerPlaced: string[] },
): Promise<string | null> {
  if (move.head === move.target) return null;
  const unheld = await unheldCommits(git, move.head, move.runnerPlaced);
  if (unheld.length > 0) {
    const named = unheld.map((c) => `${c.sha.slice(0, 12)} "${c.subject}"`);
    return `deploying '${move.ref}' would move HEAD (detached at ${move.head.slice(0, 12)}) off ${unheld.length} commit(s) that no branch, tag or remote holds: ${list(named)}; keep them on a branch first (git branch <name> ${move.head.slice(0, 12)}) — nothing was touched`;
  }
  const added = await pathsAdded(git, move.head, move.target);
  const inTheWay = added.filter((path) => existsSync(join(move.workspace, path)));
  if (inTheWay.length > 0) {
    return `checking out '${move.ref}' (${move.target.slice(0, 12)}) would overwrite files git does not track here: ${list(inTheWay)}; move them away first — nothing was touched`;
  }
  return null;
}

/**
 * Commits the runner itself moved this workspace to (the run checked out a target other than where
 * HEAD was). Commits only those hold are the runner's doing, e.g. a fetched deployment SHA, not work
 * of someone's that a later move would lose.
 */
export function runnerPlacedShas(runs: RunView[], workspace: string): string[] {
  const shas = new Set<string>();
  for (const run of runs) {
    if (run.start?.workspace !== workspace || !run.targetSha) continue;
    if (run.startedSteps.includes("checkout") && run.targetSha !== run.workspaceHeadBefore)
      shas.add(run.targetSha);
  }
  return [...shas];
}
