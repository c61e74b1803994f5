import { describe, expect, it } from "vitest";
import {
  changesFromPullFiles,
  checkMergedDiff,
  sidesOfPatch,
  type PullFile,
} from "../../src/deploy/merged-diff.js";
import { changedLines } from "../../src/policy/evaluate.js";
import { testConfig, TWO_SERVICES } from "../helpers/deploy-config.js";

const config = testConfig(TWO_SERVICES);
const api = config.services.api!;

const REQ_PATCH = "@@ -1,2 +1,3 @@\n flask==3.0.0\n+PyYAML==6.0.2\n requests==2.31.0";

function file(filename: string, patch: string | undefined, extra: Partial<PullFile> = {}): PullFile {
  return { filename, status: "modified", additions: 1, deletions: 0, patch, ...extra };
}

describe("sidesOfPatch", () => {
  it("rebuilds both sides of the hunks, ignoring the no-newline note", () => {
    const patch = "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\\ No newline at end of file";
    expect(sidesOfPatch(patch)).toEqual({ before: "a\nb\nc\n", after: "a\nB\nc\n" });
  });

  it("counts exactly the patch's added and removed lines as changed", () => {
    const patch = "@@ -1,4 +1,5 @@\n one\n-two\n+TWO\n+two-and-a-half\n three\n-four\n+FOUR";
    const { before, after } = sidesOfPatch(patch);
    // 2 removed + 3 added.
    expect(changedLines({ path: "x", before, after, mode: "100644" })).toBe(5);
  });
});

describe("changesFromPullFiles", () => {
  it("keeps modes from the tree and marks added files as new", () => {
    const { changes, refusals } = changesFromPullFiles(
      [
        file("services/api/requirements.txt", REQ_PATCH),
        file("services/api/Dockerfile", "@@ -0,0 +1 @@\n+FROM x", { status: "added" }),
      ],
      new Map([["services/api/requirements.txt", "100755"]]),
    );
    expect(refusals).toEqual([]);
    expect(changes.map((c) => [c.path, c.mode, c.before === null])).toEqual([
      ["services/api/requirements.txt", "100755", false],
      ["services/api/Dockerfile", "100644", true],
    ]);
  });

  it("refuses what a fix never does: delete, rename, or a diff GitHub cannot show", () => {
    const { changes, refusals } = changesFromPullFiles(
      [
        file("services/api/old.txt", "@@ -1 +0,0 @@\n-x", { status: "removed" }),
        file("services/api/new.txt", undefined, {
          status: "renamed",
          previous_filename: "services/api/was.txt",
        }),
        file("services/api/logo.png", undefined, { status: "added", additions: 0 }),
      ],
      new Map(),
    );
    expect(changes).toEqual([]);
    expect(refusals).toEqual([
      "services/api/old.txt: removed; a fix never deletes files",
      "services/api/new.txt: renamed from services/api/was.txt; a fix never renames files",
      "services/api/logo.png: no textual diff (binary, or too large for GitHub to show: 0 lines)",
    ]);
  });
});

describe("checkMergedDiff", () => {
  it("allows a requirements change inside the service", () => {
    expect(
      checkMergedDiff([file("services/api/requirements.txt", REQ_PATCH)], new Map(), "api", api, config),
    ).toEqual({ allowed: true });
  });

  it("refuses a compose file, a file outside the folder and a symlink, naming each", () => {
    const decision = checkMergedDiff(
      [
        file("services/api/requirements.txt", REQ_PATCH),
        file("docker-compose.yml", "@@ -1 +1 @@\n-a\n+b"),
        file("services/api/Dockerfile", "@@ -1 +1 @@\n-a\n+b"),
      ],
      new Map([["services/api/Dockerfile", "120000"]]),
      "api",
      api,
      config,
    );
    expect(decision.allowed).toBe(false);
    const reasons = decision.allowed ? [] : decision.reasons;
    expect(reasons.some((r) => r.startsWith("docker-compose.yml: compose files are never changed"))).toBe(
      true,
    );
    expect(reasons.some((r) => r.startsWith("docker-compose.yml: outside the folder of service 'api'"))).toBe(
      true,
    );
    expect(reasons).toContain(
      "services/api/Dockerfile: is a symlink (mode 120000); fixes never change symlinks",
    );
  });

  it("refuses a file whose folder is a symlink or a submodule in the merge commit's tree", () => {
    const decision = checkMergedDiff(
      [file("services/api/requirements.txt", REQ_PATCH)],
      new Map([
        ["services", "040000"],
        ["services/api", "120000"],
      ]),
      "api",
      api,
      config,
    );
    expect(decision.allowed).toBe(false);
    expect(decision.allowed ? [] : decision.reasons).toContain(
      "services/api/requirements.txt: its folder services/api is a symlink (mode 120000); fixes never write through a link",
    );
    const submodule = checkMergedDiff(
      [file("services/api/requirements.txt", REQ_PATCH)],
      new Map([["services/api", "160000"]]),
      "api",
      api,
      config,
    );
    expect(submodule.allowed ? [] : submodule.reasons.join("\n")).toMatch(/services\/api is a submodule/);
  });

  it("refuses a diff larger than policy.max_changed_lines", () => {
    const big = `@@ -1 +1,300 @@\n${Array.from({ length: 300 }, (_, i) => `+pkg${i}==1.0`).join("\n")}`;
    const decision = checkMergedDiff(
      [file("services/api/requirements.txt", big, { additions: 300 })],
      new Map(),
      "api",
      api,
      config,
    );
    expect(decision).toEqual({
      allowed: false,
      reasons: ["(change set): 300 lines added or removed; policy.max_changed_lines is 200"],
    });
  });

  it("reports only the file-level refusal when every file was refused", () => {
    const decision = checkMergedDiff(
      [file("services/api/old.txt", "-x", { status: "removed" })],
      new Map(),
      "api",
      api,
      config,
    );
    expect(decision).toEqual({
      allowed: false,
      reasons: ["services/api/old.txt: removed; a fix never deletes files"],
    });
  });
});
