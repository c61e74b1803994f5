import { describe, expect, it } from "vitest";
import { planRevert, type Snapshot } from "../../src/deploy/revert-plan.js";
import { revertBranch } from "../../contract/branches.js";

const blob = (sha: string, mode = "100644") => ({ sha: sha.repeat(40).slice(0, 40), mode });
const snap = (entries: Record<string, ReturnType<typeof blob>>): Snapshot => new Map(Object.entries(entries));
const HEAD = "9".repeat(40);

const parent = snap({ "svc/requirements.txt": blob("1"), "svc/app.py": blob("5") });
const merge = snap({
  "svc/requirements.txt": blob("2"),
  "svc/Dockerfile": blob("3", "100755"),
  "svc/app.py": blob("5"),
});

describe("planRevert", () => {
  it("restores modified files to the first parent and deletes files the PR added", () => {
    const plan = planRevert({
      paths: ["svc/requirements.txt", "svc/Dockerfile"],
      parent,
      merge,
      head: merge,
      headSha: HEAD,
    });
    expect(plan).toEqual({
      kind: "revert",
      entries: [
        { path: "svc/Dockerfile", mode: "100755", type: "blob", sha: null },
        { path: "svc/requirements.txt", mode: "100644", type: "blob", sha: blob("1").sha },
      ],
    });
  });

  it("refuses when the default branch changed those files since the merge", () => {
    const head = snap({ "svc/requirements.txt": blob("4"), "svc/Dockerfile": blob("3", "100755") });
    expect(
      planRevert({ paths: ["svc/requirements.txt", "svc/Dockerfile"], parent, merge, head, headSha: HEAD }),
    ).toEqual({
      kind: "refuse",
      reason:
        "the default branch has changed svc/requirements.txt since the merge (now at 9999999), so an automatic revert could undo someone else's work; revert by hand",
    });
  });

  it("a mode change alone counts as a change on main", () => {
    const head = snap({ "svc/requirements.txt": blob("2", "100755"), "svc/Dockerfile": blob("3", "100755") });
    expect(planRevert({ paths: ["svc/requirements.txt"], parent, merge, head, headSha: HEAD }).kind).toBe(
      "refuse",
    );
  });

  it("has nothing to do when main already matches the first parent, or the PR changed no service file", () => {
    expect(
      planRevert({
        paths: ["svc/requirements.txt", "svc/Dockerfile"],
        parent,
        merge,
        head: parent,
        headSha: HEAD,
      }),
    ).toEqual({
      kind: "nothing",
      reason: "the default branch (9999999) already has these files as they were before the merge",
    });
    expect(planRevert({ paths: [], parent, merge, head: merge, headSha: HEAD }).kind).toBe("nothing");
  });

  it("names the branch after the merge commit, deterministically", () => {
    expect(revertBranch("abcdef0123456789")).toBe("orchestrator/revert/abcdef0");
  });
});
