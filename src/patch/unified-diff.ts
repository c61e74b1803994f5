import { createTwoFilesPatch } from "diff";
import type { FileChange } from "./repo-files.js";

/** A git-style unified diff of a change set (`a/` and `b/` prefixes), files in the given order. */
export function renderDiff(changes: FileChange[]): string {
  return changes.map(renderOne).join("");
}

function renderOne(change: FileChange): string {
  const created = change.before === null;
  const oldName = created ? "/dev/null" : `a/${change.path}`;
  const patch = createTwoFilesPatch(
    oldName,
    `b/${change.path}`,
    change.before ?? "",
    change.after,
    undefined,
    undefined,
    {
      context: 3,
    },
  );
  // Drop the "=====" banner and the empty header tabs the library writes; git's header goes first.
  const body = patch
    .split("\n")
    .filter((line, i) => !(i === 0 && /^=+$/.test(line)))
    .map((line) => (line.startsWith("--- ") || line.startsWith("+++ ") ? line.replace(/\t$/, "") : line))
    .join("\n");
  const header = [`diff --git a/${change.path} b/${change.path}`];
  if (created) header.push(`new file mode ${change.mode || "100644"}`);
  return `${header.join("\n")}\n${body}`;
}
