import { HEADER_PACKAGES } from "../data/system-packages.js";
import type { Diagnoser, Observation } from "../diagnoser.js";
import { resolveSystemPackage } from "../names/system-name.js";
import { fromLast } from "./evidence.js";

const HEADER = String.raw`([\w./+-]+\.h(?:h|pp|xx)?)`;
const PATTERNS = [
  // gcc in any locale (`fatal error: ffi.h: No such file or directory`) and clang (`'ffi.h' file not found`).
  new RegExp(String.raw`fatal error: ['‘]?${HEADER}['’]?(?:: | file not found)`),
  // gcc before 4.x: `error: ffi.h: No such file or directory`.
  new RegExp(String.raw`\berror: ${HEADER}: No such file or directory`),
];

/**
 * `Python.h` of which interpreter: a compile line (`-I/usr/include/python2.7`, `build/temp.linux-x86_64-2.7`)
 * naming Python 2 means the Python 2 headers; otherwise Python 3's.
 */
function pythonHeader(header: string, lines: readonly string[]): string {
  if (header !== "Python.h") return header;
  const python2 = lines.some((l) => /[-/]I?\S*python2\.\d|\.linux-[\w]+-2\.\d\b/.test(l));
  return python2 ? "python2.7/Python.h" : header;
}

/** `fatal error: zlib.h: No such file or directory` -> `zlib1g-dev` (Debian) / `zlib-dev` (Alpine). */
export const cHeaderDiagnoser: Diagnoser = {
  name: "c-header",
  kind: "system_package",
  triggers: ["fatal error", "No such file or directory"],
  match(line, context): Observation | null {
    for (const pattern of PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const evidence = [...fromLast(context.before, /In file included from/, 1), line];
      const include = context.after[0];
      if (include && /#\s*include/.test(include)) evidence.push(include);
      return { missing: pythonHeader(match[1]!, [...context.before, line]), evidence };
    }
    return null;
  },
  resolve(missing, context) {
    if (/^\.\.?\//.test(missing)) {
      return {
        fixable: false,
        reason: `header '${missing}' is a relative path: a file of the project, not a package`,
      };
    }
    return resolveSystemPackage(missing, "header", HEADER_PACKAGES, context);
  },
};
