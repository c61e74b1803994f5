/**
 * Builds dist/ (what bin/*.js run) once for the test files that spawn the real CLIs: a lock folder
 * keeps parallel test files from writing dist/ at the same time, and a stamp of the newest source
 * mtime skips the build when dist/ is already current.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KEY = createHash("sha256").update(ROOT).digest("hex").slice(0, 12);
const STAMP = join(tmpdir(), `orchestrator-build-${KEY}.stamp`);
const BUILT = [join(ROOT, "dist/src/cli/main.js"), join(ROOT, "dist/runner/cli/main.js")];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function sourceStamp(): string {
  const times = ["src", "runner"].map((d) => newestMtime(join(ROOT, d)));
  times.push(
    statSync(join(ROOT, "tsconfig.json")).mtimeMs,
    statSync(join(ROOT, "tsconfig.build.json")).mtimeMs,
  );
  return times.join(",");
}

function readStamp(): string | null {
  try {
    return readFileSync(STAMP, "utf8");
  } catch {
    return null;
  }
}

export async function buildDist(deadlineMs = 170_000): Promise<void> {
  const lock = join(tmpdir(), `orchestrator-build-${KEY}.lock`);
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`another test held the build lock ${lock} past the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const stamp = sourceStamp();
    if (readStamp() === stamp && BUILT.every((f) => existsSync(f))) return;
    execFileSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      {
        cwd: ROOT,
        stdio: "pipe",
      },
    );
    writeFileSync(STAMP, stamp);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
