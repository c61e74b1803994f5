import { GENERIC_PROJECT_NAMES, KNOWN_PYTHON_IMPORTS } from "../data/known-names.js";
import { PYTHON_PACKAGES } from "../data/python-packages.js";
import { PYTHON2_STDLIB, PYTHON_STDLIB } from "../data/python-stdlib.js";
import type { ResolveContext, Resolution } from "../diagnoser.js";
import { nearMiss } from "./typo.js";

const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** `a.b.c` -> [`a.b.c`, `a.b`, `a`]: the longest mapped prefix wins. */
export function dottedPrefixes(name: string): string[] {
  const parts = name.split(".");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("."));
}

let knownForTypos: ReadonlySet<string> | null = null;
function knownNames(): ReadonlySet<string> {
  knownForTypos ??= new Set([
    ...KNOWN_PYTHON_IMPORTS,
    ...PYTHON_STDLIB,
    ...Object.keys(PYTHON_PACKAGES).map((k) => k.split(".")[0]!),
  ]);
  return knownForTypos;
}

/**
 * Import name -> PyPI distribution. Order: the repository's map, the project's own modules, the curated
 * map (after generic layout names such as `src`), the standard library, Python 2 names, plausibility, the typo rule, then "same name as the import".
 */
export function resolvePythonModule(missing: string, context: ResolveContext): Resolution {
  if (!MODULE_NAME.test(missing)) {
    const hint = missing.includes("-")
      ? ` (import names cannot contain '-'; did you mean '${missing.replace(/-/g, "_")}'?)`
      : "";
    return { fixable: false, reason: `'${missing}' is not a valid Python module name${hint}` };
  }
  const prefixes = dottedPrefixes(missing);
  const top = prefixes.at(-1)!;

  for (const prefix of prefixes) {
    if (!Object.hasOwn(context.maps.python, prefix)) continue;
    const dist = context.maps.python[prefix];
    if (dist === null || dist === undefined) {
      return { fixable: false, reason: `'${prefix}' is marked "never fix" in the repository's maps.python` };
    }
    return fix(missing, dist);
  }

  const ownFile = context.project?.pythonModule(top);
  if (ownFile) {
    return {
      fixable: false,
      reason: `'${top}' is the project's own module (${ownFile}); check the import path or working directory, nothing to install`,
    };
  }

  if (GENERIC_PROJECT_NAMES.has(top)) {
    return { fixable: false, reason: genericReason(top) };
  }

  for (const prefix of prefixes) {
    if (!Object.hasOwn(PYTHON_PACKAGES, prefix)) continue;
    const dist = PYTHON_PACKAGES[prefix];
    if (!dist) {
      return {
        fixable: false,
        reason: `'${prefix}' is a namespace shared by many distributions; the log does not say which one is missing`,
      };
    }
    return fix(missing, dist);
  }

  if (PYTHON_STDLIB.has(top)) {
    if (missing !== top) {
      return {
        fixable: false,
        reason: `'${top}' is in the Python standard library and has no module '${missing}': looks like a typo`,
      };
    }
    return {
      fixable: false,
      reason: `'${top}' is part of the Python standard library: the interpreter is broken or different, not missing a package`,
    };
  }
  if (PYTHON2_STDLIB.has(top)) {
    return {
      fixable: false,
      reason: `'${top}' is a Python 2 standard-library module: the code needs porting, not a package`,
    };
  }
  if (top.startsWith("_")) {
    return {
      fixable: false,
      reason: `'${top}' is a private or extension module, not the name of a distribution`,
    };
  }
  const typoOf = nearMiss(top, knownNames());
  if (typoOf) {
    return {
      fixable: false,
      reason: `'${top}' is not a known package and is one small edit away from '${typoOf}': looks like a typo`,
    };
  }
  return { ...fix(missing, top), confidence: 0.7 };
}

function fix(missing: string, dist: string): Extract<Resolution, { fixable: true }> {
  return {
    fixable: true,
    kind: "python_module",
    package: dist,
    ecosystem: "pypi",
    summary: `missing Python module '${missing}': add ${dist} (PyPI)`,
  };
}

export function genericReason(name: string): string {
  return `'${name}' is a generic project-layout name: taken to be the project's own code (its path or working directory is wrong), never installed from a registry`;
}
