import type { Patcher } from "./patcher.js";
import { dockerfilePatcher } from "./patchers/dockerfile.js";
import { packageJsonPatcher } from "./patchers/package-json.js";
import { pyprojectPatcher } from "./patchers/pyproject.js";
import { requirementsPatcher } from "./patchers/requirements.js";

/** Every file format orchestrator can patch, by name. A new format is one file and one line here. */
export const patchers: ReadonlyMap<string, Patcher> = new Map(
  [dockerfilePatcher, requirementsPatcher, pyprojectPatcher, packageJsonPatcher].map((p) => [p.name, p]),
);

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
