import { TOOL_LANGUAGE_PACKAGES, TOOL_PACKAGES } from "../data/system-packages.js";
import type { Diagnoser, Observation, Resolution } from "../diagnoser.js";
import { resolveSystemPackage } from "../names/system-name.js";

interface ToolPattern {
  pattern: RegExp;
  /** A fixed tool for messages that do not spell it out as a capture. */
  tool?: string;
}

const TOOL = String.raw`([\w./+-]+)`;
const PATTERNS: ToolPattern[] = [
  // Shells: `sh: 1: git: not found`, `/bin/sh: make: not found`, `bash: curl: command not found`,
  // `./build.sh: line 3: cmake: command not found`, `/usr/bin/xslt-config: 1: /usr/bin/xslt-config: xml2-config: not found`.
  {
    pattern: new RegExp(
      String.raw`(?:^|[\s'"(])[\w./-]+:(?: line \d+:| \d+:)?(?: [\w./-]+:)? ${TOOL}: (?:command )?not found\b`,
    ),
  },
  // Bare: `gcc: not found`, `curl: command not found`.
  { pattern: new RegExp(String.raw`^\s*${TOOL}: (?:command )?not found$`) },
  // setuptools / distutils: `error: command 'gcc' failed: No such file or directory`, `unable to execute 'gcc': ...`.
  { pattern: /(?:unable to execute '([^']+)'|command '([^']+)' failed): No such file or directory/ },
  // `env: 'python': No such file or directory` (shebang without the interpreter).
  { pattern: /\benv: ['"‘]?([\w.+-]+)['"’]?: No such file or directory/ },
  // Go / Docker: `exec: "gcc": executable file not found in $PATH`.
  // Also JSON-escaped, as `docker inspect` prints health-check output: `exec: \"curl\": executable file ...`.
  { pattern: /exec: (?:\\+)?"([\w.+-]+)(?:\\+)?": executable file not found in \$PATH/ },
  // `Error: pg_config executable not found.`, `OSError: mysql_config not found`.
  { pattern: /\b(pg_config|mysql_config|mariadb_config|[\w-]+-config)(?: executable)? not found\b/ },
  // node-gyp's `which`: `gyp ERR! stack Error: not found: make`.
  { pattern: /\bError: not found: ([\w.+-]+)/ },
  { pattern: /Program '([\w.+-]+)' not found/ }, // meson
  { pattern: /No git binary found in \$PATH/, tool: "git" }, // npm ENOGIT
  { pattern: /Could not find any Python installation to use/, tool: "python3" }, // node-gyp
];

const SYSTEM_BIN = /^\/(?:usr\/(?:local\/)?)?s?bin\//;
const CROSS_PREFIX = /^[a-z0-9_]+-(?:[a-z0-9_]+-)?linux-(?:gnu|musl)[a-z0-9_]*-/;

/** `x86_64-linux-gnu-gcc` -> `gcc`, `/usr/bin/make` -> `make`; project paths are kept as they are. */
export function toolName(raw: string): string {
  const name = SYSTEM_BIN.test(raw) ? raw.slice(raw.lastIndexOf("/") + 1) : raw;
  return name.replace(CROSS_PREFIX, "");
}

/** `sh: 1: git: not found`, `error: command 'gcc' failed: ...`, `pg_config executable not found` -> package. */
export const missingToolDiagnoser: Diagnoser = {
  name: "missing-tool",
  kind: "system_package",
  triggers: ["not found", "No such file or directory", "No git binary", "Could not find any Python"],
  match(line): Observation | null {
    for (const { pattern, tool } of PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const raw = tool ?? match.slice(1).find(Boolean);
      if (!raw) continue;
      return { missing: toolName(raw), evidence: [line] };
    }
    return null;
  },
  resolve(missing, context): Resolution {
    if (missing.includes("/")) {
      return {
        fixable: false,
        reason: `'${missing}' is a path to a file of the project, not a tool a package provides`,
      };
    }
    const candidates = [missing, missing.replace(/(?:-\d+(?:\.\d+)*|(?<=\d)\.\d+)$/, "")];
    if (!Object.hasOwn(context.maps.system, missing)) {
      for (const name of candidates) {
        const language = Object.hasOwn(TOOL_LANGUAGE_PACKAGES, name)
          ? TOOL_LANGUAGE_PACKAGES[name]
          : undefined;
        if (language) {
          const pypi = language.ecosystem === "pypi";
          return {
            fixable: true,
            kind: pypi ? "python_module" : "node_module",
            package: language.package,
            ecosystem: language.ecosystem,
            summary: `missing command '${missing}': add ${language.package} (${pypi ? "PyPI" : "npm"})`,
          };
        }
      }
    }
    const known = candidates.find(
      (name) => Object.hasOwn(context.maps.system, name) || Object.hasOwn(TOOL_PACKAGES, name),
    );
    return resolveSystemPackage(known ?? missing, "tool", TOOL_PACKAGES, context);
  },
};
