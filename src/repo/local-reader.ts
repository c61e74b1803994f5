import { execFile } from "node:child_process";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RepoReader, TreeEntry } from "../patch/repo-files.js";

const run = promisify(execFile);

/**
 * A RepoReader over a local checkout (the CLI's dry runs, the runner's workspace). In a git checkout the
 * modes come from the index (`git ls-files -s`), as GitHub would report them; untracked files and plain
 * folders fall back to lstat. Paths are repository-relative and may not escape `dir`.
 */
export function localRepoReader(dir: string): RepoReader {
  let gitChecked: Promise<boolean> | null = null;
  const isGit = () =>
    (gitChecked ??= run("git", ["-C", dir, "rev-parse", "--is-inside-work-tree"]).then(
      () => true,
      () => false,
    ));

  return {
    async readFile(path) {
      const relative = checkRelative(path);
      const full = join(dir, relative);
      try {
        // A symlinked parent folder would read a file outside the checkout into a diff.
        if ((await linkedSegment(dir, relative)) !== null) return null;
        const info = await lstat(full);
        if (!info.isFile()) return null; // symlinks and folders are not files to patch
        return await readFile(full, "utf8");
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === "ENOENT" ||
          (error as NodeJS.ErrnoException).code === "ENOTDIR"
        )
          return null;
        throw error;
      }
    },

    async listTree(sub) {
      const prefix = sub === "" || sub === "." ? "" : checkRelative(sub).replace(/\/+$/, "");
      const files = (await isGit()) ? await gitFiles(dir, prefix) : await walk(dir, prefix);
      return withFolders(files, prefix);
    },
  };
}

/**
 * The first segment of `relative` below `dir` that is a symlink (lstat, one segment at a time), or null.
 * Segments that do not exist yet are fine: a fix may create a file in a new folder.
 */
export async function linkedSegment(dir: string, relative: string): Promise<string | null> {
  const segments = relative.split("/").filter((s) => s !== "" && s !== ".");
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join("/");
    try {
      if ((await lstat(join(dir, prefix))).isSymbolicLink()) return prefix;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw error;
    }
  }
  return null;
}

function checkRelative(path: string): string {
  const segments = path.split("/");
  if (path.startsWith("/") || path.includes("\\") || segments.includes("..")) {
    throw new Error(`repository path '${path}' must be relative, use '/', and not contain '..'`);
  }
  return path.replace(/^\.\//, "");
}

async function gitFiles(dir: string, prefix: string): Promise<TreeEntry[]> {
  const scope = prefix === "" ? [] : ["--", prefix];
  const tracked = await run("git", ["-C", dir, "ls-files", "-s", "-z", ...scope], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const entries: TreeEntry[] = [];
  const seen = new Set<string>();
  for (const record of tracked.stdout.split("\0")) {
    // "<mode> <object> <stage>\t<path>"
    const match = /^(\d{6}) [0-9a-f]+ \d\t(.+)$/s.exec(record);
    if (!match || seen.has(match[2]!)) continue;
    seen.add(match[2]!);
    entries.push({ path: match[2]!, mode: match[1]!, type: match[1] === "160000" ? "commit" : "blob" });
  }
  const untracked = await run("git", ["-C", dir, "ls-files", "-o", "--exclude-standard", "-z", ...scope], {
    maxBuffer: 256 * 1024 * 1024,
  });
  for (const path of untracked.stdout.split("\0").filter((p) => p.length > 0)) {
    const info = await lstat(join(dir, path));
    entries.push({ path, mode: modeOf(info), type: "blob" });
  }
  return entries;
}

/** Without git: every file below the folder, skipping `.git` and `node_modules` (never part of a fix). */
async function walk(dir: string, prefix: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function visit(rel: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(join(dir, rel));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const name of names.sort()) {
      if (name === ".git" || name === "node_modules") continue;
      const path = rel === "" ? name : `${rel}/${name}`;
      const info = await lstat(join(dir, path));
      if (info.isDirectory()) await visit(path);
      else out.push({ path, mode: modeOf(info), type: "blob" });
    }
  }
  await visit(prefix);
  return out;
}

function modeOf(info: { isSymbolicLink(): boolean; mode: number }): string {
  if (info.isSymbolicLink()) return "120000";
  return info.mode & 0o111 ? "100755" : "100644";
}

/** Adds the folder entries GitHub's recursive tree would list, sorted by path. */
function withFolders(files: TreeEntry[], prefix: string): TreeEntry[] {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (prefix === "" || folder.startsWith(`${prefix}/`)) folders.add(folder);
    }
  }
  const all = [...files, ...[...folders].map((path): TreeEntry => ({ path, mode: "040000", type: "tree" }))];
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
