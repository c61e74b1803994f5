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
