import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { declaredFrom, isManifestPath, type DeclaredDependencies } from "./manifests.js";

const WALK_LIMIT = 200_000;
const WALK_SKIP = new Set([".git", "node_modules", ".venv", "venv", "__pycache__"]);
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** What a checkout tells the diagnosis: its files, its declared dependencies and its Dockerfile base. */
export interface RepoContext {
  projectFiles: string[];
  declared: DeclaredDependencies;
  dockerBase: string | null;
}

/** Reads a checkout: `git ls-files` (tracked files) or a bounded walk, then its manifests and Dockerfiles. */
export async function loadRepoContext(dir: string): Promise<RepoContext> {
  const projectFiles = await listProjectFiles(dir);
  const manifests: [string, string][] = [];
  for (const path of projectFiles.filter(isManifestPath).slice(0, 500)) {
    try {
      const text = await readFile(join(dir, path), "utf8");
      if (text.length <= MAX_MANIFEST_BYTES) manifests.push([path, text]);
    } catch {
      // Listed but unreadable (deleted, permissions): it declares nothing.
    }
  }
  const { declared, dockerBase } = declaredFrom(manifests);
  return { projectFiles, declared, dockerBase };
}

/** `git ls-files` when DIR is a git checkout (tracked files only), else a bounded walk. */
export async function listProjectFiles(dir: string): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)("git", ["-C", dir, "ls-files", "-z"], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const files = stdout.split("\0").filter(Boolean);
    if (files.length > 0) return files;
  } catch {
    // Not a git checkout, or git is missing: walk the folder instead.
  }
  const files: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (files.length >= WALK_LIMIT) return;
      if (WALK_SKIP.has(entry.name)) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(relative(dir, path).split("\\").join("/"));
    }
  };
  await walk(dir);
  return files;
}
