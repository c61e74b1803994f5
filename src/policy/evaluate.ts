import { diffLines } from "diff";
import type { OrchestratorConfig, ServiceConfig } from "../config/schema.js";
import type { FileChange, TreeEntry } from "../patch/repo-files.js";
import { matchesGlob } from "./glob.js";
import { linkRefusals } from "./links.js";
import { serviceFolder } from "../config/service.js";
import { defaultAllow } from "../patch/registry.js";

export type PolicyDecision = { allowed: true } | { allowed: false; reasons: string[] };

/** Files a fix may change inside the service folder without any extra configuration (from the patchers). */
export const DEFAULT_ALLOW: readonly string[] = defaultAllow();

const REDIRECT = "package-manager configs can redirect installs to another registry and are never changed";

/**
 * Files no fix may ever change, whatever `allow` says: deploy wiring, CI, secrets and keys, and the
 * package-manager configs that can point installs at another registry. Matched regardless of case.
 */
export const ALWAYS_REFUSE: { pattern: string; rule: string }[] = [
  { pattern: "docker-compose*.{yml,yaml}", rule: "compose files are never changed by a fix" },
  { pattern: "compose*.{yml,yaml}", rule: "compose files are never changed by a fix" },
  { pattern: ".github/**", rule: "CI and repository settings (.github/) are never changed by a fix" },
  { pattern: "**/.github/**", rule: "CI and repository settings (.github/) are never changed by a fix" },
  { pattern: ".env*", rule: "environment files (.env*) may hold secrets" },
  {
    pattern: "*.{pem,key,crt,p12,pfx,jks,keystore,gpg,asc}",
    rule: "keys and certificates are never changed",
  },
  { pattern: "id_{rsa,dsa,ecdsa,ed25519}*", rule: "SSH keys are never changed" },
  {
    pattern: "{.npmrc,.pypirc,.netrc,.git-credentials,.dockercfg}",
    rule: "credential files are never changed",
  },
  { pattern: ".yarnrc*", rule: REDIRECT },
  {
    pattern: "{.pnpmfile.cjs,.pnpmfile.mjs,.pnpmfile.js,pip.conf,pip.ini,.condarc,bunfig.toml,.bunfig.toml}",
    rule: REDIRECT,
  },
  { pattern: "**/.docker/config.json", rule: "credential files are never changed" },
  { pattern: "**/.git/**", rule: "git internals are never changed" },
  { pattern: ".gitmodules", rule: "submodule wiring is never changed" },
];

const SYMLINK = "120000";
const SUBMODULE = "160000";

/**
 * Decides whether a change set may be committed for `serviceName`. Pure: no I/O, same answer for the same
 * input. Every reason names the file and the rule that refused it. `tree` is the repository tree at the
 * base commit (every entry, from the root): a symlink or submodule at any prefix of a path refuses it.
 */
export function evaluatePolicy(
  changes: FileChange[],
  serviceName: string,
  service: ServiceConfig,
  config: OrchestratorConfig,
  tree: TreeEntry[] = [],
  /** The default allow-list: the patchers' files (the planner passes those of the patchers it uses). */
  defaults: readonly string[] = DEFAULT_ALLOW,
): PolicyDecision {
  const reasons: string[] = [];
  if (changes.length === 0) reasons.push(`(change set): empty; a fix must change at least one file`);

  const seen = new Set<string>();
  for (const change of changes) {
    if (seen.has(change.path)) reasons.push(`${change.path}: appears twice in the change set`);
    seen.add(change.path);
    reasons.push(...pathRefusals(change.path, change.mode, serviceName, service, tree, defaults));
  }

  const { max_files, max_changed_lines } = config.policy;
  if (changes.length > max_files) {
    reasons.push(
      `(change set): ${changes.length} files changed (${changes.map((c) => c.path).join(", ")}); policy.max_files is ${max_files}`,
    );
  }
  const changed = changes.reduce((sum, c) => sum + changedLines(c), 0);
  if (changed > max_changed_lines) {
    reasons.push(
      `(change set): ${changed} lines added or removed; policy.max_changed_lines is ${max_changed_lines}`,
    );
  }
  return reasons.length === 0 ? { allowed: true } : { allowed: false, reasons };
}

/**
 * The refusals for one path and git mode alone (no content): the planner uses it before it edits a file,
 * so that a symlink or a folder outside the service is refused without being read.
 */
export function pathRefusals(
  path: string,
  mode: string,
  serviceName: string,
  service: ServiceConfig,
  tree: TreeEntry[] = [],
  defaults: readonly string[] = DEFAULT_ALLOW,
): string[] {
  const unsafe = unsafePathReason(path);
  if (unsafe) return [`${JSON.stringify(path)}: ${unsafe}`];

  const reasons: string[] = [];
  if (mode === SYMLINK) reasons.push(`${path}: is a symlink (mode 120000); fixes never change symlinks`);
  if (mode === SUBMODULE)
    reasons.push(`${path}: is a submodule (mode 160000); fixes never change submodules`);
  if (mode !== SYMLINK && mode !== SUBMODULE) reasons.push(...linkRefusals(path, tree));

  for (const { pattern, rule } of ALWAYS_REFUSE) {
    if (matchesGlob(path, pattern, { nocase: true })) {
      reasons.push(`${path}: ${rule} (matches '${pattern}')`);
      break;
    }
  }

  const folder = serviceFolder(service.path);
  const inside = folder === "" || path.startsWith(`${folder}/`);
  if (!inside) {
    reasons.push(
      `${path}: outside the folder of service '${serviceName}' (${folder}/); fixes stay inside it`,
    );
    return reasons;
  }
  if (reasons.length > 0) return reasons;

  const relative = folder === "" ? path : path.slice(folder.length + 1);
  const allowedByDefault =
    defaults.some((pattern) => matchesGlob(relative, pattern)) || relative === normalise(service.dockerfile);
  const allowedByConfig = service.allow.some((pattern) => matchesGlob(relative, pattern));
  if (!allowedByDefault && !allowedByConfig) {
    reasons.push(
      `${path}: not in the allow-list (defaults: ${defaults.join(", ")}; add a glob to services.${serviceName}.allow to permit it)`,
    );
  }
  return reasons;
}

/** Added + removed lines of one change. */
export function changedLines(change: FileChange): number {
  let count = 0;
  for (const part of diffLines(change.before ?? "", change.after)) {
    if (part.added || part.removed) count += part.count ?? 0;
  }
  return count;
}

function unsafePathReason(path: string): string | null {
  if (path.length === 0) return "empty path";
  if (path.includes("\\")) return "contains a backslash; paths use '/'";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    return "is absolute; paths are relative to the repository root";
  if (path.includes("\0")) return "contains a NUL byte";
  const segments = path.split("/");
  if (segments.includes("..")) return "contains '..'";
  if (segments.some((s) => s === "" || s === "."))
    return "has an empty or '.' segment; use a normalised path";
  return null;
}

function normalise(p: string): string {
  return p.replace(/^\.\/+/, "").replace(/\/+$/, "") || ".";
}
