import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localRepoReader } from "../../src/repo/local-reader.js";

function populate(dir: string): void {
  mkdirSync(join(dir, "svc/sub"), { recursive: true });
  writeFileSync(join(dir, "svc/Dockerfile"), "FROM debian\n");
  writeFileSync(join(dir, "svc/run.sh"), "#!/bin/sh\n");
  chmodSync(join(dir, "svc/run.sh"), 0o755);
  writeFileSync(join(dir, "svc/sub/a.txt"), "a\n");
  writeFileSync(join(dir, "other.txt"), "o\n");
  symlinkSync("Dockerfile", join(dir, "svc/link"));
}

describe("localRepoReader in a git checkout", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "orchestrator-reader-git-"));
    execFileSync("git", ["init", "-q", dir]);
    populate(dir);
    execFileSync("git", ["-C", dir, "add", "svc/Dockerfile", "svc/run.sh", "svc/link", "other.txt"]);
    // A submodule entry straight in the index (no network needed).
    execFileSync("git", [
      "-C",
      dir,
      "update-index",
      "--add",
      "--cacheinfo",
      "160000,1111111111111111111111111111111111111111,svc/vendor",
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists modes from the index, untracked files by lstat, and folders", async () => {
    const tree = await localRepoReader(dir).listTree("svc");
    expect(tree).toEqual([
      { path: "svc/Dockerfile", mode: "100644", type: "blob" },
      { path: "svc/link", mode: "120000", type: "blob" },
      { path: "svc/run.sh", mode: "100755", type: "blob" },
      { path: "svc/sub", mode: "040000", type: "tree" },
      { path: "svc/sub/a.txt", mode: "100644", type: "blob" },
      { path: "svc/vendor", mode: "160000", type: "commit" },
    ]);
  });

  it("lists the whole repository for '' and '.'", async () => {
    const reader = localRepoReader(dir);
    const paths = (await reader.listTree("")).map((e) => e.path);
    expect(paths).toContain("other.txt");
    expect(paths).toContain("svc");
    expect(await reader.listTree(".")).toEqual(await reader.listTree(""));
  });

  it("reads regular files and returns null for missing files, folders and symlinks", async () => {
    const reader = localRepoReader(dir);
    expect(await reader.readFile("svc/Dockerfile")).toBe("FROM debian\n");
    expect(await reader.readFile("svc/missing")).toBeNull();
    expect(await reader.readFile("svc/sub")).toBeNull();
    expect(await reader.readFile("svc/link")).toBeNull();
    expect(await reader.readFile("svc/Dockerfile/x")).toBeNull();
  });

  it("rejects paths that escape the checkout", async () => {
    const reader = localRepoReader(dir);
    await expect(reader.readFile("../etc/passwd")).rejects.toThrow(
      "must be relative, use '/', and not contain '..'",
    );
    await expect(reader.readFile("/etc/passwd")).rejects.toThrow(/must be relative/);
    await expect(reader.listTree("svc/../..")).rejects.toThrow(/'\.\.'/);
  });
});

describe("localRepoReader without git", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "orchestrator-reader-plain-"));
    populate(dir);
    mkdirSync(join(dir, "svc/node_modules/x"), { recursive: true });
    writeFileSync(join(dir, "svc/node_modules/x/index.js"), "");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("walks with lstat (symlinks keep mode 120000) and skips node_modules", async () => {
    const tree = await localRepoReader(dir).listTree("svc");
    expect(tree).toEqual([
      { path: "svc/Dockerfile", mode: "100644", type: "blob" },
      { path: "svc/link", mode: "120000", type: "blob" },
      { path: "svc/run.sh", mode: "100755", type: "blob" },
      { path: "svc/sub", mode: "040000", type: "tree" },
      { path: "svc/sub/a.txt", mode: "100644", type: "blob" },
    ]);
  });

  it("returns an empty tree for a missing folder", async () => {
    expect(await localRepoReader(dir).listTree("nope")).toEqual([]);
  });
});
