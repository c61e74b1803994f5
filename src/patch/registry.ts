import type { FindingKind } from "../diagnose/finding.js";
import type { Patcher } from "./patcher.js";
import { dockerfilePatcher } from "./patchers/dockerfile.js";
import { packageJsonPatcher } from "./patchers/package-json.js";
import { pyprojectPatcher } from "./patchers/pyproject.js";
import { requirementsPatcher } from "./patchers/requirements.js";

/**
 * Every file format orchestrator can patch, in the order they are tried. A new format is one file and
 * one line here: the planner and the policy's default allow-list read what each patcher declares.
 */
export const PATCHERS: readonly Patcher[] = [
  dockerfilePatcher,
  requirementsPatcher,
  pyprojectPatcher,
  packageJsonPatcher,
];

export const patchers: ReadonlyMap<string, Patcher> = new Map(PATCHERS.map((p) => [p.name, p]));

/** The patchers that fix findings of this kind, in registry order. */
export function patchersFor(kind: FindingKind, from: readonly Patcher[] = PATCHERS): Patcher[] {
  return from.filter((p) => p.kinds.includes(kind));
}

/** The files a fix may change by default: every patcher's own files and the lock files beside them. */
export function defaultAllow(from: readonly Patcher[] = PATCHERS): string[] {
  return from.flatMap((p) => [...p.allow, ...p.lockFiles]);
}

/** The patcher that owns `path`, or null. */
export function patcherFor(path: string): Patcher | null {
  for (const patcher of patchers.values()) if (patcher.matches(path)) return patcher;
  return null;
}

export function getPatcher(name: string): Patcher {
  const patcher = patchers.get(name);
  if (!patcher) throw new Error(`no patcher named '${name}' (known: ${[...patchers.keys()].join(", ")})`);
  return patcher;
}
