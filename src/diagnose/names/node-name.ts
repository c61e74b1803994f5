import { builtinModules } from "node:module";
import { GENERIC_PROJECT_NAMES, KNOWN_NPM_PACKAGES } from "../data/known-names.js";
import { genericReason } from "./python-name.js";
import type { ResolveContext, Resolution } from "../diagnoser.js";
import { nearMiss } from "./typo.js";

const BUILTINS: ReadonlySet<string> = new Set(builtinModules.filter((m) => !m.startsWith("_")));
const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

let knownForTypos: ReadonlySet<string> | null = null;
function knownNames(): ReadonlySet<string> {
  knownForTypos ??= new Set([...KNOWN_NPM_PACKAGES, ...BUILTINS]);
  return knownForTypos;
}

/** The package a bare specifier lives in: `lodash/merge` -> `lodash`, `@scope/pkg/x` -> `@scope/pkg`. */
export function packageRoot(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Why a specifier points into the project rather than at a package, or null for a bare specifier. */
export function localSpecifierReason(specifier: string): string | null {
  if (/^\.\.?(\/|$)/.test(specifier))
    return `'${specifier}' is a relative path: a file of the project, not a package`;
  if (/^(\/|[A-Za-z]:[\\/]|file:)/.test(specifier)) {
    return `'${specifier}' is an absolute path: a file the build did not produce or copy, not a package`;
  }
  if (specifier.startsWith("#"))
    return `'${specifier}' is a package.json subpath import of the project itself`;
  if (/^[~@]\//.test(specifier)) return `'${specifier}' uses a path alias of the project, not a package`;
  return null;
}

/**
 * Module specifier -> npm package. Order: local paths, Node built-ins, the repository's map, the
 * project's own folders, npm naming rules, the typo rule, then the specifier's package root.
 */
export function resolveNodeModule(specifier: string, context: ResolveContext): Resolution {
  const local = localSpecifierReason(specifier);
  if (local) return { fixable: false, reason: local };
  const bare = specifier.replace(/^node:/, "");
  const root = packageRoot(bare);
  if (specifier.startsWith("node:") || BUILTINS.has(bare) || BUILTINS.has(root)) {
    return { fixable: false, reason: `'${specifier}' is a Node.js built-in module, not a package` };
  }

  for (const key of [specifier, root]) {
    if (!Object.hasOwn(context.maps.node, key)) continue;
    const pkg = context.maps.node[key];
    if (pkg === null || pkg === undefined) {
      return { fixable: false, reason: `'${key}' is marked "never fix" in the repository's maps.node` };
    }
    return fix(specifier, pkg);
  }

  const deep = deepPathReason(bare, root);
  if (deep) return { fixable: false, reason: deep };

  const ownFile = root.startsWith("@") ? null : context.project?.nodeModule(root);
  if (ownFile) {
    return {
      fixable: false,
      reason: `'${root}' resolves to the project's own code (${ownFile}), not to a package`,
    };
  }
  if (GENERIC_PROJECT_NAMES.has(root)) return { fixable: false, reason: genericReason(root) };
  if (!NPM_NAME.test(root) || root.length > 214) {
    const typoOf = nearMiss(root, knownNames());
    return {
      fixable: false,
      reason: typoOf
        ? `'${root}' is not a valid npm package name; looks like a typo of '${typoOf}'`
        : `'${root}' is not a valid npm package name`,
    };
  }
  const typoOf = nearMiss(root, knownNames());
  if (typoOf) {
    return {
      fixable: false,
      reason: `'${root}' is not a known package and is one small edit away from '${typoOf}': looks like a typo`,
    };
  }
  return fix(specifier, root);
}

const INTERNAL_SEGMENT = /^(?:build|dist|lib|internal|src|esm|cjs|es|umd|out)$/;
const FILE_EXTENSION = /\.(?:m?js|cjs|jsx|tsx?|json|css|scss|sass|less|node|wasm|svg|png|html)$/;

/**
 * A path into the files of a package (`pkg/dist/x.css`, `pkg/build/internal`, `pkg/x?query`) names its
 * layout, not a package: when it fails the installed version does not match, or a bundler setting is
 * off. Adding the package again would not help.
 */
function deepPathReason(specifier: string, root: string): string | null {
  if (specifier === root) return null;
  const subpath = specifier.slice(root.length + 1);
  if (
    subpath.includes("?") ||
    FILE_EXTENSION.test(subpath) ||
    subpath.split("/").some((s) => INTERNAL_SEGMENT.test(s))
  ) {
    return `'${specifier}' is a path into the files of '${root}': a version mismatch or a bundler setting, not a missing package`;
  }
  return null;
}

function fix(specifier: string, pkg: string): Resolution {
  const from = specifier === pkg ? "" : ` (from '${specifier}')`;
  return {
    fixable: true,
    kind: "node_module",
    package: pkg,
    ecosystem: "npm",
    summary: `missing Node package '${pkg}'${from}: add ${pkg} (npm)`,
  };
}
