import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunView } from "../../../runner/journal/run-view.js";
import { openWorkspace, returnHead, trackedChanges } from "../../../runner/workspace/git-workspace.js";
import {
  moveRefusal,
  runnerPlacedShas,
  uncommittedRefusal,
} from "../../../runner/workspace/workspace-guard.js";

let dir: string;
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();
const commit = (path: string, text: string, message: string) => {
  writeFileSync(join(dir, path), text);
  git("add", "-f", path);
  git("commit", "-q", "-m", message);
  return git("rev-parse", "HEAD");
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ws-guard-"));
  git("init", "-q", "-b", "main");
  commit("a.txt", "1\n", "first");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("uncommittedRefusal", () => {
  it("names tracked files changed, staged, renamed or with spaces; ignores untracked and ignored ones", async () => {
    const ws = openWorkspace(dir);
    commit("b c.txt", "x\n", "spaces");
    commit(".gitignore", "*.log\n", "ignore logs");
    writeFileSync(join(dir, "untracked.txt"), "u\n");
    writeFileSync(join(dir, "build.log"), "l\n");
    expect(await uncommittedRefusal(ws, dir)).toBeNull();

    writeFileSync(join(dir, "b c.txt"), "changed\n");
    git("mv", "a.txt", "renamed.txt");
    expect(await trackedChanges(ws)).toEqual(["b c.txt", "renamed.txt"]);
    expect(await uncommittedRefusal(ws, dir)).toBe(
      `workspace ${dir} has uncommitted changes to tracked files: b c.txt, renamed.txt; commit or stash them first (untracked files do not matter) — nothing was touched`,
    );
  });
});

describe("moveRefusal", () => {
  it("allows any move that loses nothing: new commits, other branches, staying put", async () => {
    const ws = openWorkspace(dir);
    const first = git("rev-parse", "HEAD");
    const second = commit("a.txt", "2\n", "second");
    git("checkout", "-q", "-b", "side", first);
    const side = commit("s.txt", "s\n", "side");
    const move = (head: string, target: string) => {
      git("checkout", "-q", "--detach", head);
      return moveRefusal(ws, { workspace: dir, ref: "r", head, target, runnerPlaced: [] });
    };
    expect(await move(side, second)).toBeNull();
    expect(await move(second, side)).toBeNull();
    expect(await move(side, side)).toBeNull();
  });

  it("refuses to leave commits only a detached HEAD holds, naming them, unless the runner put them there", async () => {
    const ws = openWorkspace(dir);
    const main = git("rev-parse", "HEAD");
    git("checkout", "-q", "--detach");
    const one = commit("a.txt", "d1\n", "detached one");
    const two = commit("a.txt", "d2\n", "detached two");
    const refusal = await moveRefusal(ws, {
      workspace: dir,
      ref: "main",
      head: two,
      target: main,
      runnerPlaced: [],
    });
    expect(refusal).toBe(
      `deploying 'main' would move HEAD (detached at ${two.slice(0, 12)}) off 2 commit(s) that no branch, tag or remote holds: ${two.slice(0, 12)} "detached two", ${one.slice(0, 12)} "detached one"; keep them on a branch first (git branch <name> ${two.slice(0, 12)}) — nothing was touched`,
    );
    // A commit the runner checked out itself (e.g. a fetched deployment SHA) is not someone's work...
    expect(
      await moveRefusal(ws, { workspace: dir, ref: "main", head: two, target: main, runnerPlaced: [two] }),
    ).toBeNull();
    // ...but a commit made on top of it is; SHAs the repository no longer has are ignored.
    const missing = "f".repeat(40);
    expect(
      await moveRefusal(ws, {
        workspace: dir,
        ref: "main",
        head: two,
        target: main,
        runnerPlaced: [one, missing],
      }),
    ).toContain(`1 commit(s) that no branch, tag or remote holds: ${two.slice(0, 12)} "detached two";`);
    git("tag", "kept");
    expect(
      await moveRefusal(ws, { workspace: dir, ref: "main", head: two, target: main, runnerPlaced: [] }),
    ).toBeNull();
  });

  it("refuses a target that would write over files git does not track here (ignored ones too)", async () => {
    const ws = openWorkspace(dir);
    const main = commit(".gitignore", "secret.env\n", "ignore");
    git("checkout", "-q", "-b", "adds");
    const adds = commit("secret.env", "tracked there\n", "track it");
    git("checkout", "-q", "main");
    writeFileSync(join(dir, "secret.env"), "local only\n");
    expect(
      await moveRefusal(ws, { workspace: dir, ref: "adds", head: main, target: adds, runnerPlaced: [] }),
    ).toBe(
      `checking out 'adds' (${adds.slice(0, 12)}) would overwrite files git does not track here: secret.env; move them away first — nothing was touched`,
    );
  });
});

describe("returnHead", () => {
  it("goes back onto the branch that was checked out, detached otherwise, and leaves HEAD alone when it is there", async () => {
    const ws = openWorkspace(dir);
    const main = git("rev-parse", "HEAD");
    expect(await returnHead(ws, main, "main")).toBe(`workspace already at ${main.slice(0, 12)}`);
    expect(git("symbolic-ref", "HEAD")).toBe("refs/heads/main");

    const other = commit("a.txt", "2\n", "second");
    git("checkout", "-q", "--detach", main);
    expect(await returnHead(ws, other, "main")).toBe(`workspace back on main at ${other.slice(0, 12)}`);
    expect(git("symbolic-ref", "HEAD")).toBe("refs/heads/main");

    git("checkout", "-q", "--detach", main);
    expect(await returnHead(ws, other, null)).toBe(`workspace back at ${other.slice(0, 12)}`);
    expect(git("rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD");
    // The branch moved on since: back to the SHA, detached, rather than onto another commit.
    expect(await returnHead(ws, main, "main")).toBe(`workspace back at ${main.slice(0, 12)}`);
    expect(git("rev-parse", "HEAD")).toBe(main);
    expect(git("rev-parse", "main")).toBe(other);
  });
});

describe("runnerPlacedShas", () => {
  it("lists targets the runner checked out in this workspace, not ones it deployed in place", () => {
    const view = (targetSha: string, head: string, steps: string[], workspace = "/ws") =>
      ({
        start: { workspace },
        targetSha,
        workspaceHeadBefore: head,
        startedSteps: steps,
      }) as unknown as RunView;
    expect(
      runnerPlacedShas(
        [
          view("t1", "h1", ["prepare", "checkout", "build"]),
          view("t2", "t2", ["prepare", "build"]),
          view("t3", "h3", ["prepare", "checkout"], "/elsewhere"),
          view("t1", "h4", ["prepare", "checkout"]),
        ],
        "/ws",
      ),
    ).toEqual(["t1"]);
  });
});
