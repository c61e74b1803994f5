import type { FindingKind, SystemFamily } from "../diagnose/finding.js";
import type { VersionLookup } from "./versions.js";

/** What a patcher is asked to add. */
export interface DependencyRequest {
  /** The package in the file's ecosystem: PyPI distribution, npm package, or the Debian system package. */
  name: string;
  /** System packages per base-image family; the Dockerfile patcher picks one by the FROM image. */
  systemPackages?: Partial<Record<SystemFamily, string>>;
}

export interface PatchContext {
  versions: VersionLookup;
  /** Repository path of the file (for messages only). */
  path: string;
}

export type PatchOutcome =
  /** `added` is the line or entry as written, e.g. `PyYAML==6.0.2`. */
  | { status: "patched"; text: string; added: string; note?: string }
  | { status: "present"; detail: string }
  /** The file cannot be patched safely (hash-pinned requirements, no package manager, ...). */
  | { status: "unsupported"; reason: string };

/** What a patcher may look at to propose the file it would edit for a service. */
export interface TargetContext {
  /** The service folder ("" for the repository root). */
  folder: string;
  /** The service's Dockerfile, as a repository path. */
  dockerfile: string;
  /** A path relative to the service folder, as a repository path. */
  inFolder(path: string): string;
  /** Whether the tree has this file. */
  has(path: string): boolean;
  read(path: string): Promise<string | null>;
}

/** A file a patcher would edit for a finding. */
export interface Candidate {
  path: string;
  /** False when the file does not exist yet and the Dockerfile copies and installs it. */
  exists: boolean;
  /** For the fix summary: why this file. */
  why: string;
  /** Candidates of every patcher that handles the kind are tried by rank, lowest first. */
  rank: number;
}

/**
 * One file format. Patchers edit text surgically and prove the edit by parsing the result again.
 * What the planner and the policy need to know of a format is declared here, as data: a new format is
 * one patcher file and one line in registry.ts.
 */
export interface Patcher {
  name: string;
  description: string;
  /** The finding kinds it can fix. */
  kinds: readonly FindingKind[];
  /** The files it would edit for a finding in this service, best first. */
  candidates(context: TargetContext): Promise<Candidate[]>;
  /** Why no file was found, when it is the first patcher of the kind to say (its kind's own words). */
  noCandidate?(context: TargetContext): string;
  /** Lock files next to its files that orchestrator cannot regenerate offline (the reviewer has to). */
  lockFiles: readonly string[];
  /** Globs (relative to the service folder) a fix may change by default: its files. */
  allow: readonly string[];
  /** Whether this patcher owns a file, by its repository path. */
  matches(path: string): boolean;
  /** Dependency names the file declares, as a parser sees them (the re-parse proof uses the same code). */
  dependencies(text: string): string[];
  /** Compares names the way the ecosystem does (PEP 503 for Python, exact for npm and system packages). */
  sameName(a: string, b: string): boolean;
  apply(text: string, dependency: DependencyRequest, context: PatchContext): Promise<PatchOutcome>;
}

/** A patch that would not prove itself: the re-parse did not show exactly one new dependency. */
export class PatchProofError extends Error {
  override readonly name = "PatchProofError";
  constructor(path: string, detail: string) {
    super(`refusing the edit of ${path}: ${detail}`);
  }
}

/** PEP 503 normalised name: runs of '-', '_', '.' become '-', lowercase. */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** Pinning styles the patchers follow, from the most common style among a file's existing entries. */
export type PinStyle = "exact" | "gte" | "compatible" | "caret" | "tilde" | "bare";

export function dominantStyle(styles: PinStyle[], fallback: PinStyle): PinStyle {
  if (styles.length === 0) return fallback;
  const counts = new Map<PinStyle, number>();
  for (const s of styles) counts.set(s, (counts.get(s) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  // A tie means the file has no clear style: use the fallback.
  if (sorted.length > 1 && sorted[0]![1] === sorted[1]![1]) return fallback;
  return sorted[0]![0];
}

/** Whether names are in ascending order (by `key`), which decides between sorted insert and append. */
export function isSorted(names: string[], key: (s: string) => string): boolean {
  if (names.length < 2) return false;
  for (let i = 1; i < names.length; i++) if (key(names[i - 1]!) > key(names[i]!)) return false;
  return true;
}
