/**
 * The object store behind the fake GitHub: a bare git repository driven through the git CLI (argv
 * arrays, never a shell). Blobs, trees and commits the app writes through the Git Data API become real
 * git objects here, so their SHAs are real SHAs and the runner can fetch the deployed commit from it.
 */
import { execFileSync } from "node:child_process";

export interface TreeItem {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  /** Blobs only. */
  size?: number;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

/** One path of a new tree: `sha: null` deletes it (as the Git Data API's `sha: null`). */
export interface TreeEdit {
  path: string;
  mode: string;
  sha: string | null;
}

export interface FileDiff {
  filename: string;
  status: "added" | "modified" | "removed";
  additions: number;
  deletions: number;
  /** The hunks only, as GitHub's "list pull request files" returns them. */
  patch: string;
}

export interface GitStore {
  readonly dir: string;
  writeBlob(content: Buffer): string;
  readBlob(sha: string): Buffer | null;
  /** The tree's entries (recursive: every blob and sub-tree, like `?recursive=1`); null when unknown. */
  listTree(sha: string, recursive: boolean): TreeItem[] | null;
  readCommit(sha: string): CommitInfo | null;
  /** A new tree: `base` (or empty) with `edits` applied at any depth. */
  writeTree(base: string | null, edits: TreeEdit[]): string;
  writeCommit(input: { tree: string; parents: string[]; message: string; author: string }): string;
  /** `heads/main` -> SHA, or null. */
  readRef(ref: string): string | null;
  writeRef(ref: string, sha: string): void;
  /** The tree of merging `theirs` into `ours` (`git merge-tree --write-tree`); throws on conflicts. */
  mergeTree(ours: string, theirs: string): string;
  mergeBase(a: string, b: string): string;
  /** What changed from `from` to `to`, per file. */
  diff(from: string, to: string): FileDiff[];
  /** A file's text at a commit, or null. */
  show(commit: string, path: string): string | null;
}

const SHA = /^[0-9a-f]{40}$/;

export function openGitStore(dir: string): GitStore {
  const run = (args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Buffer =>
    execFileSync("git", ["--git-dir", dir, ...args], {
      ...(input !== undefined ? { input } : {}),
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  const text = (args: string[], input?: string | Buffer, env?: NodeJS.ProcessEnv): string =>
    run(args, input, env).toString("utf8").trim();
  const objectType = (sha: string): string | null => {
    if (!SHA.test(sha)) return null;
    try {
      return text(["cat-file", "-t", sha]);
    } catch {
      return null;
    }
  };

  const listTree = (sha: string, recursive: boolean): TreeItem[] | null => {
    if (objectType(sha) !== "tree") return null;
    const out = text(["ls-tree", "-l", ...(recursive ? ["-r", "-t"] : []), sha]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split("\t") as [string, string];
        const [mode, type, itemSha, size] = meta.split(/\s+/) as [string, TreeItem["type"], string, string];
        return { path, mode, type, sha: itemSha, ...(type === "blob" ? { size: Number(size) } : {}) };
      });
  };

  /** Writes the nested trees of a flat path -> entry map, deepest first; returns the root tree. */
  const mktree = (files: Map<string, { mode: string; type: string; sha: string }>): string => {
    const children = new Map<string, Map<string, { mode: string; type: string; sha: string }>>();
    const here: string[] = [];
    for (const [path, entry] of files) {
      const slash = path.indexOf("/");
      if (slash < 0) {
        here.push(`${entry.mode} ${entry.type} ${entry.sha}\t${path}`);
        continue;
      }
      const dir = path.slice(0, slash);
      if (!children.has(dir)) children.set(dir, new Map());
      children.get(dir)!.set(path.slice(slash + 1), entry);
    }
    for (const [dir, sub] of children) here.push(`040000 tree ${mktree(sub)}\t${dir}`);
    return text(["mktree"], here.length > 0 ? `${here.join("\n")}\n` : "");
  };

  return {
    dir,
    writeBlob(content) {
      return text(["hash-object", "-w", "--stdin"], content);
    },
    readBlob(sha) {
      return objectType(sha) === "blob" ? run(["cat-file", "blob", sha]) : null;
    },
    listTree,
    readCommit(sha) {
      if (objectType(sha) !== "commit") return null;
      const [tree, parents, ...message] = text(["show", "-s", "--format=%T%n%P%n%B", sha]).split("\n");
      return { sha, tree: tree!, parents: parents ? parents.split(" ") : [], message: message.join("\n") };
    },
    writeTree(base, edits) {
      const files = new Map<string, { mode: string; type: string; sha: string }>();
      if (base !== null) {
        const items = listTree(base, true);
        if (!items) throw new Error(`base tree ${base} does not exist`);
        for (const item of items) if (item.type !== "tree") files.set(item.path, item);
      }
      for (const edit of edits) {
        if (edit.sha === null) {
          files.delete(edit.path);
          continue;
        }
        const type = objectType(edit.sha);
        if (type !== "blob") throw new Error(`tree entry ${edit.path}: ${edit.sha} is not a blob`);
        files.set(edit.path, { mode: edit.mode, type, sha: edit.sha });
      }
      return mktree(files);
    },
    writeCommit({ tree, parents, message, author }) {
      const who = { name: author, email: `${author.replace(/\W/g, "")}@users.noreply.example` };
      return text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], message, {
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
      });
    },
    readRef(ref) {
      try {
        return text(["rev-parse", "--verify", "--quiet", `refs/${ref}`]) || null;
      } catch {
        return null;
      }
    },
    writeRef(ref, sha) {
      run(["update-ref", `refs/${ref}`, sha]);
    },
    mergeTree(ours, theirs) {
      try {
        return text(["merge-tree", "--write-tree", ours, theirs]).split("\n")[0]!;
      } catch (error) {
        const out = (error as { stdout?: Buffer }).stdout?.toString() ?? "";
        throw new Error(`merge conflict between ${ours.slice(0, 7)} and ${theirs.slice(0, 7)}:\n${out}`);
      }
    },
    mergeBase(a, b) {
      return text(["merge-base", a, b]);
    },
    diff(from, to) {
      // Renames are reported as a removal plus an addition: the fixes under test never rename.
      const numstat = text(["diff", "--no-renames", "--numstat", from, to]);
      const statuses = new Map(
        text(["diff", "--no-renames", "--name-status", from, to])
          .split("\n")
          .filter(Boolean)
          .map((line) => {
            const [code, path] = line.split("\t") as [string, string];
            return [path, code] as const;
          }),
      );
      return numstat
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [added, deleted, filename] = line.split("\t") as [string, string, string];
          const full = text(["diff", "--no-renames", "--no-color", from, to, "--", filename]);
          const code = statuses.get(filename);
          return {
            filename,
            status: code === "A" ? "added" : code === "D" ? "removed" : "modified",
            additions: Number(added),
            deletions: Number(deleted),
            patch: full.slice(Math.max(0, full.indexOf("@@"))),
          };
        });
    },
    show(commit, path) {
      try {
        return run(["show", `${commit}:${path}`]).toString("utf8");
      } catch {
        return null;
      }
    },
  };
}
