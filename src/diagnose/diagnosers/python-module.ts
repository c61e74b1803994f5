import type { Diagnoser, Observation } from "../diagnoser.js";
import { resolvePythonModule } from "../names/python-name.js";
import { QUOTED_IN_ASSERTION, fromLast } from "./evidence.js";

const NAME = String.raw`['"‘“]?([\w.-]+)['"’”]?`;
const PATTERNS = [
  // Python 3 (`'yaml'`) and Python 2 (`yaml`), also behind pytest's `E   ` and in chained messages.
  new RegExp(String.raw`\b(?:ModuleNotFoundError|ImportError): No module named ${NAME}(.*)$`),
  // `python -m uvicorn` without uvicorn: `/usr/local/bin/python: No module named uvicorn`.
  new RegExp(String.raw`^(?:E\s+)?(?:\S*python[\d.]*: )?No module named ${NAME}(.*)$`),
  // Django: `Error loading psycopg2 module: No module named 'psycopg2'`.
  new RegExp(String.raw`Error loading \S+ module: No module named ${NAME}(.*)$`),
];

const LOOKALIKE_MARKER =
  /WARNING: autodoc: failed to import|sphinx[\\/]ext[\\/]autodoc|ImportError while loading conftest|from conftest import|^\s*import conftest\b/;

/**
 * Imports that fail inside a documentation build (Sphinx autodoc) or a test suite's conftest: the docs or
 * test environment does not see the project (its own package, its conftest), which no package fixes.
 */
function testOrDocsContext(missing: string, before: readonly string[]): string | null {
  const recent = before.slice(-6);
  if (recent.some((l) => /WARNING: autodoc: failed to import|sphinx[\\/]ext[\\/]autodoc/.test(l))) {
    return `a documentation build (Sphinx autodoc) could not import '${missing}': the docs environment does not install the project or its requirements; nothing to add to the service`;
  }
  if (missing === "conftest" || recent.some((l) => /from conftest import|^\s*import conftest\b/.test(l))) {
    return `'conftest' is the test suite's own helper module: pytest's import mode or rootdir is wrong, not a missing package`;
  }
  if (recent.some((l) => /ImportError while loading conftest/.test(l))) {
    return `the test suite's conftest could not import '${missing}': usually the project's own package is not importable (run python -m pytest, or install the project), not a missing dependency`;
  }
  return null;
}

/**
 * The traceback itself runs code from a folder named like the missing top-level module, outside any
 * site-packages (`File "/app/billing/views.py"` for `No module named 'billing.models'`): the module is the
 * project's own package, imported from the wrong working directory or path.
 */
function ownPackageInTrace(missing: string, before: readonly string[]): string | null {
  const top = missing.split(".")[0]!;
  if (top.length < 2) return null;
  for (const line of before.slice(-16)) {
    const file = /^\s*File "([^"]+)"/.exec(line)?.[1];
    if (!file || /[\\/](?:site|dist)-packages[\\/]|[\\/]lib[\\/]python\d/.test(file)) continue;
    const segments = file.split(/[\\/]/);
    if (segments.slice(0, -1).includes(top)) {
      return `'${top}' is a folder of the project's own code (${file} runs from it): the import path or working directory is wrong, nothing to install`;
    }
  }
  return null;
}

/** `ModuleNotFoundError: No module named 'yaml'` -> the PyPI distribution (`PyYAML`). */
export const pythonModuleDiagnoser: Diagnoser = {
  name: "python-module",
  kind: "python_module",
  triggers: ["No module named"],
  match(line, context): Observation | null {
    if (QUOTED_IN_ASSERTION.test(line)) return null;
    for (const pattern of PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const missing = match[1]!.replace(/\.+$/, "");
      const rest = match[2] ?? "";
      const evidence = [...fromLast(context.before, /^\s*File "/), line];
      const lookalike =
        testOrDocsContext(missing, context.before) ?? ownPackageInTrace(missing, context.before);
      if (lookalike) {
        const marker = context.before.findLast((l) => LOOKALIKE_MARKER.test(l));
        return { missing, evidence: marker ? [marker, ...evidence] : evidence, notFixable: lookalike };
      }
      const shadowed = /; '?([\w.]+)'? is not a package/.exec(rest);
      if (shadowed) {
        return {
          missing,
          evidence,
          notFixable: `'${shadowed[1]}' exists but is a module, not a package: a file of the project probably shadows the real '${shadowed[1]}'`,
        };
      }
      return { missing, evidence };
    }
    return null;
  },
  resolve: resolvePythonModule,
};
