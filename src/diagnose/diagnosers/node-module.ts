import type { Diagnoser, Observation } from "../diagnoser.js";
import { builtinModules } from "node:module";
import { localSpecifierReason, resolveNodeModule } from "../names/node-name.js";
import { QUOTED_IN_ASSERTION } from "./evidence.js";
import { foreignRequirerReason, requirerPath } from "./requirer.js";

const BUILTINS: ReadonlySet<string> = new Set(builtinModules);

const QUOTED = String.raw`['"]([^'"\s]+)['"]`;
const PATTERNS = [
  // CommonJS `Error: Cannot find module 'x'`, ESM `Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x'
  // imported from ...`, TypeScript `error TS2307: Cannot find module 'x'...`, Jest `Cannot find module 'x'
  // from 'y'` (at the start of its line).
  new RegExp(
    String.raw`(?:^\s*(?:[⨯✖×]\s+)?|^npm (?:ERR!|error) |Error(?: \[[A-Z_]+\])?: |TS2307: )Cannot find (?:module|package) ${QUOTED}`,
  ),
  new RegExp(String.raw`Module not found: (?:Error: )?Can't resolve ${QUOTED}`), // webpack 4/5
  new RegExp(String.raw`Cannot resolve module ${QUOTED}`), // webpack 1
  new RegExp(String.raw`Could not resolve ${QUOTED}`), // esbuild
  new RegExp(String.raw`[Ff]ailed to resolve import ${QUOTED}`), // vite
];

const IMPORT_MAP_ALIAS = /(?:^|\s)Import map: aliased to (?:relative )?'(\.{0,2}\/[^']+)'/;

/** Turbopack prints the import map entry under the error: `Import map: aliased to relative './x'`. */
function aliasedToProjectPath(after: readonly string[]): { line: string; path: string } | null {
  for (const line of after.slice(0, 12)) {
    const match = IMPORT_MAP_ALIAS.exec(line);
    if (match) return { line, path: match[1]! };
  }
  return null;
}

/** `Cannot find module 'lodash/merge'` -> npm package `lodash`. */
export const nodeModuleDiagnoser: Diagnoser = {
  name: "node-module",
  kind: "node_module",
  triggers: [
    "Cannot find module",
    "Cannot find package",
    "Can't resolve",
    "Cannot resolve module",
    "Could not resolve",
    "ailed to resolve import",
  ],
  match(line, context): Observation | null {
    if (QUOTED_IN_ASSERTION.test(line)) return null;
    for (const pattern of PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const evidence = [line];
      // CommonJS prints who required it on the next lines: `Require stack:` / `- /app/index.js`.
      const [next, requirer] = context.after;
      if (next?.trim() === "Require stack:" && requirer?.trim().startsWith("- "))
        evidence.push(next, requirer);
      const missing = match[1]!;
      const aliased = aliasedToProjectPath(context.after);
      if (aliased) {
        evidence.push(aliased.line);
        return {
          missing,
          evidence,
          notFixable: `'${missing}' is aliased to the project's own path '${aliased.path}' (the bundler's import map): a file missing from the build, not a package to add`,
        };
      }
      const bare = missing.replace(/^node:/, "");
      if (localSpecifierReason(missing) || BUILTINS.has(bare) || BUILTINS.has(bare.split("/")[0]!))
        return { missing, evidence };
      const from = requirerPath(line, context.before, context.after);
      const foreign = from ? foreignRequirerReason(missing, from) : null;
      if (foreign) {
        const frame = context.after.find((l) => l.includes(from!));
        if (frame && !evidence.includes(frame)) evidence.push(frame);
        return { missing, evidence, notFixable: foreign };
      }
      return { missing, evidence };
    }
    return null;
  },
  resolve: resolveNodeModule,
};
