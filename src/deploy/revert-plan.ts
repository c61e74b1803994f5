/**
 * The revert offered after a rollback: production runs the previous version again, so main should too.
 * Pure: from three snapshots of the service's files (the merge's first parent, the merge, the default
 * branch head now) to the tree entries of a commit that restores them, or the reason it cannot.
 */

export interface BlobRef {
  sha: string;
  mode: string;
}

export type Snapshot = ReadonlyMap<string, BlobRef>;

export interface RevertEntry {
  path: string;
  mode: "100644" | "100755" | "120000";
  type: "blob";
  /** null deletes the file (it was added by the merged PR). */
  sha: string | null;
}

export type RevertPlan =
  | { kind: "revert"; entries: RevertEntry[] }
  | { kind: "refuse"; reason: string }
  | { kind: "nothing"; reason: string };

export function planRevert(input: {
  paths: string[];
  parent: Snapshot;
  merge: Snapshot;
  head: Snapshot;
  headSha: string;
}): RevertPlan {
  const paths = [...new Set(input.paths)].sort();
  if (paths.length === 0)
    return { kind: "nothing", reason: "the merged pull request changed no files of the service" };
  if (paths.every((p) => sameBlob(input.head.get(p), input.parent.get(p)))) {
    return {
      kind: "nothing",
      reason: `the default branch (${input.headSha.slice(0, 7)}) already has these files as they were before the merge`,
    };
  }
  const moved = paths.filter((p) => !sameBlob(input.head.get(p), input.merge.get(p)));
  if (moved.length > 0) {
    return {
      kind: "refuse",
      reason:
        `the default branch has changed ${moved.join(", ")} since the merge (now at ${input.headSha.slice(0, 7)}), ` +
        "so an automatic revert could undo someone else's work; revert by hand",
    };
  }
  const entries: RevertEntry[] = [];
  for (const path of paths) {
    const before = input.parent.get(path);
    const after = input.merge.get(path);
    if (sameBlob(before, after)) continue;
    if (before) {
      const mode = blobMode(before.mode);
      if (!mode)
        return {
          kind: "refuse",
          reason: `${path} was not a regular file before the merge (mode ${before.mode})`,
        };
      entries.push({ path, mode, type: "blob", sha: before.sha });
    } else {
      entries.push({ path, mode: blobMode(after!.mode) ?? "100644", type: "blob", sha: null });
    }
  }
  return { kind: "revert", entries };
}

function sameBlob(a: BlobRef | undefined, b: BlobRef | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.sha === b.sha && a.mode === b.mode;
}

function blobMode(mode: string): RevertEntry["mode"] | null {
  return mode === "100644" || mode === "100755" || mode === "120000" ? mode : null;
}
