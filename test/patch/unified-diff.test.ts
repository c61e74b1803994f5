import { describe, expect, it } from "vitest";
import { renderDiff } from "../../src/patch/unified-diff.js";

describe("renderDiff", () => {
  it("renders a git-style diff with a/ b/ prefixes", () => {
    const diff = renderDiff([
      { path: "api/requirements.txt", before: "a\nc\n", after: "a\nb\nc\n", mode: "100644" },
    ]);
    expect(diff).toBe(
      "diff --git a/api/requirements.txt b/api/requirements.txt\n--- a/api/requirements.txt\n+++ b/api/requirements.txt\n@@ -1,2 +1,3 @@\n a\n+b\n c\n",
    );
  });

  it("marks created files and concatenates several files in order", () => {
    const diff = renderDiff([
      { path: "x/new.txt", before: null, after: "hello\n", mode: "100644" },
      { path: "x/b", before: "1", after: "2", mode: "100644" },
    ]);
    expect(diff).toContain(
      "diff --git a/x/new.txt b/x/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/x/new.txt\n@@ -0,0 +1,1 @@\n+hello\n",
    );
    expect(diff.indexOf("x/new.txt")).toBeLessThan(diff.indexOf("a/x/b"));
    expect(diff).toContain("\\ No newline at end of file");
  });

  it("renders nothing for no changes", () => expect(renderDiff([])).toBe(""));
});
