import type { OrchestratorConfig, ServiceConfig } from "../config/schema.js";
import type { FileChange } from "../patch/repo-files.js";
import type { TreeEntry } from "../patch/repo-files.js";
import { evaluatePolicy, type PolicyDecision } from "../policy/evaluate.js";

/** One entry of the "list pull request files" answer, as much as the policy needs. */
export interface PullFile {
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  patch?: string | undefined;
  previous_filename?: string | undefined;
}

/**
 * The merged PR's files as the change set a fix would have been, so the one policy can judge it
 * again. Pure. The content on each side is rebuilt from the patch (context and removed lines before,
 * context and added lines after): enough for the policy, which counts changed lines and looks at paths
 * and modes. What a fix could never have done (delete, rename, binary or oversized diffs) is refused
 * here, by name.
 */
export function changesFromPullFiles(
  files: PullFile[],
  modes: ReadonlyMap<string, string>,
): { changes: FileChange[]; refusals: string[] } {
  const changes: FileChange[] = [];
  const refusals: string[] = [];
  for (const file of files) {
    if (file.status === "removed") {
      refusals.push(`${file.filename}: removed; a fix never deletes files`);
      continue;
    }
    if (file.status === "renamed" || file.previous_filename) {
      refusals.push(
        `${file.filename}: renamed from ${file.previous_filename ?? "?"}; a fix never renames files`,
      );
      continue;
    }
    if (file.patch === undefined) {
      // GitHub leaves `patch` out for binary files and for diffs it considers too large to show.
      const size = file.additions + file.deletions;
      refusals.push(
        `${file.filename}: no textual diff (binary, or too large for GitHub to show: ${size} lines)`,
      );
      continue;
    }
    const { before, after } = sidesOfPatch(file.patch);
    changes.push({
      path: file.filename,
      before: file.status === "added" ? null : before,
      after,
      mode: modes.get(file.filename) ?? "100644",
    });
  }
  return { changes, refusals };
}

/** The policy verdict on a merged diff: the refusals above plus everything `evaluatePolicy` says. */
export function checkMergedDiff(
  files: PullFile[],
  modes: ReadonlyMap<string, string>,
  serviceName: string,
  service: ServiceConfig,
  config: OrchestratorConfig,
): PolicyDecision {
  const { changes, refusals } = changesFromPullFiles(files, modes);
  // The merge commit's whole tree, so a file under a symlinked or submodule folder is refused too.
  const tree: TreeEntry[] = [...modes].map(([path, mode]) => ({
    path,
    mode,
    type: mode === "160000" ? "commit" : mode === "040000" ? "tree" : "blob",
  }));
  const decision = evaluatePolicy(changes, serviceName, service, config, tree);
  // An all-refused PR would also be "empty" to evaluatePolicy; that line would only confuse.
  const policyReasons = decision.allowed
    ? []
    : decision.reasons.filter((r) => !(refusals.length > 0 && r.startsWith("(change set): empty")));
  const reasons = [...refusals, ...policyReasons];
  if (files.length > config.policy.max_files && !reasons.some((r) => r.includes("policy.max_files"))) {
    reasons.push(
      `(change set): ${files.length} files changed; policy.max_files is ${config.policy.max_files}`,
    );
  }
  return reasons.length === 0 ? { allowed: true } : { allowed: false, reasons };
}

/** Both sides of a unified-diff patch body (hunks only, as GitHub returns it). */
export function sidesOfPatch(patch: string): { before: string; after: string } {
  const before: string[] = [];
  const after: string[] = [];
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@") || line.startsWith("\\")) continue;
    const marker = line[0];
    const text = line.slice(1);
    if (marker === "-") before.push(text);
    else if (marker === "+") after.push(text);
    else if (marker === " " || line === "") {
      before.push(text);
      after.push(text);
    }
  }
  return { before: joinLines(before), after: joinLines(after) };
}

function joinLines(lines: string[]): string {
  // A trailing empty line comes from the patch's final newline, not from the file.
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
