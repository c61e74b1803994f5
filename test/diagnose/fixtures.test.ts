import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import type { Ecosystem, FindingKind } from "../../src/diagnose/finding.js";

const DIR = new URL("../fixtures/logs/", import.meta.url);

interface Fixable {
  file: string;
  kind: FindingKind;
  missing: string;
  package: string;
  ecosystem: Ecosystem;
  diagnoser: string;
  alpine?: string;
  evidence: string;
  hints?: string[];
  projectFiles?: string[];
}

interface NotFixable {
  file: string;
  reason: string;
  evidence?: string;
  hints?: string[];
  projectFiles?: string[];
}

const FIXABLE: Fixable[] = [
  {
    file: "py-yaml-traceback.log",
    kind: "python_module",
    missing: "yaml",
    package: "PyYAML",
    ecosystem: "pypi",
    diagnoser: "python-module",
    evidence: 'File "/usr/bin/filetranspile"',
  },
  {
    file: "py2-yaml-compose-build.log",
    kind: "python_module",
    missing: "yaml",
    package: "PyYAML",
    ecosystem: "pypi",
    diagnoser: "python-module",
    evidence: "ImportError: No module named yaml",
  },
  {
    file: "py-google-protobuf.log",
    kind: "python_module",
    missing: "google.protobuf",
    package: "protobuf",
    ecosystem: "pypi",
    diagnoser: "python-module",
    evidence: "No module named 'google.protobuf'",
  },
  {
    file: "py-pip-nested-yaml.log",
    kind: "python_module",
    missing: "yaml",
    package: "PyYAML",
    ecosystem: "pypi",
    diagnoser: "python-module",
    evidence: "import yaml",
  },
  {
    file: "py-uvicorn-docker.log",
    kind: "python_module",
    missing: "uvicorn",
    package: "uvicorn",
    ecosystem: "pypi",
    diagnoser: "python-module",
    evidence: 'File "/app/backend/start.py"',
  },
  {
    file: "node-cjs-require-stack.log",
    kind: "node_module",
    missing: "axios",
    package: "axios",
    ecosystem: "npm",
    diagnoser: "node-module",
    evidence: "- /app/twitch.js",
  },
  {
    file: "node-esm-compose.log",
    kind: "node_module",
    missing: "openai",
    package: "openai",
    ecosystem: "npm",
    diagnoser: "node-module",
    evidence: "imported from /app/src/playground/engine.js",
    hints: ["dvaa"],
  },
  {
    file: "node-ts2307-buildkit.log",
    kind: "node_module",
    missing: "@docmost/editor-ext",
    package: "@docmost/editor-ext",
    ecosystem: "npm",
    diagnoser: "node-module",
    evidence: "error TS2307",
    hints: ["builder"],
  },
  {
    file: "node-webpack-cant-resolve.log",
    kind: "node_module",
    missing: "axios",
    package: "axios",
    ecosystem: "npm",
    diagnoser: "node-module",
    evidence: "Can't resolve 'axios'",
  },
  {
    file: "header-ffi-node-gyp.log",
    kind: "system_package",
    missing: "ffi.h",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "c-header",
    evidence: "#include <ffi.h>",
  },
  {
    file: "header-libxml-lxml.log",
    kind: "system_package",
    missing: "libxml/xpath.h",
    package: "libxml2-dev",
    ecosystem: "debian",
    alpine: "libxml2-dev",
    diagnoser: "c-header",
    evidence: "fatal error: libxml/xpath.h",
  },
  {
    file: "header-libpq-node.log",
    kind: "system_package",
    missing: "libpq-fe.h",
    package: "libpq-dev",
    ecosystem: "debian",
    alpine: "libpq-dev",
    diagnoser: "c-header",
    evidence: "In file included from ../src/connection.cc:1:",
  },
  {
    file: "header-zlib.log",
    kind: "system_package",
    missing: "zlib.h",
    package: "zlib1g-dev",
    ecosystem: "debian",
    alpine: "zlib-dev",
    diagnoser: "c-header",
    evidence: "fatal error: zlib.h",
  },
  {
    file: "header-clang-ffi.log",
    kind: "system_package",
    missing: "ffi.h",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "c-header",
    evidence: "'ffi.h' file not found",
  },
  {
    file: "header-ffi-localized.log",
    kind: "system_package",
    missing: "ffi.h",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "c-header",
    evidence: "c/_cffi_backend.c:15:17",
  },
  {
    file: "pkgconfig-libffi-pip.log",
    kind: "system_package",
    missing: "libffi",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "pkg-config",
    evidence: "No package 'libffi' found",
  },
  {
    file: "pkgconfig-libffi-pkgconf.log",
    kind: "system_package",
    missing: "libffi",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "pkg-config",
    evidence: "required by 'virtual:world'",
  },
  {
    file: "pkgconfig-cmake-zlib.log",
    kind: "system_package",
    missing: "ZLIB",
    package: "zlib1g-dev",
    ecosystem: "debian",
    alpine: "zlib-dev",
    diagnoser: "pkg-config",
    evidence: "Could NOT find ZLIB",
  },
  {
    file: "pkgconfig-libffi-cffi-wheel.log",
    kind: "system_package",
    missing: "libffi",
    package: "libffi-dev",
    ecosystem: "debian",
    alpine: "libffi-dev",
    diagnoser: "pkg-config",
    evidence: "No package 'libffi' found",
  },
  {
    file: "tool-pg-config.log",
    kind: "system_package",
    missing: "pg_config",
    package: "libpq-dev",
    ecosystem: "debian",
    alpine: "libpq-dev",
    diagnoser: "missing-tool",
    evidence: "Error: pg_config executable not found.",
  },
  {
    file: "tool-mysql-config.log",
    kind: "system_package",
    missing: "mysql_config",
    package: "default-libmysqlclient-dev",
    ecosystem: "debian",
    alpine: "mariadb-dev",
    diagnoser: "missing-tool",
    evidence: "OSError: mysql_config not found",
  },
  {
    file: "tool-npm-sh.log",
    kind: "system_package",
    missing: "npm",
    package: "npm",
    ecosystem: "debian",
    alpine: "npm",
    diagnoser: "missing-tool",
    evidence: "/bin/sh: 1: npm: not found",
  },
  {
    file: "tool-gcc-buildkit.log",
    kind: "system_package",
    missing: "gcc",
    package: "build-essential",
    ecosystem: "debian",
    alpine: "build-base",
    diagnoser: "missing-tool",
    evidence: "error: command 'gcc' failed: No such file or directory",
  },
  {
    file: "tool-enogit-compose.log",
    kind: "system_package",
    missing: "git",
    package: "git",
    ecosystem: "alpine",
    alpine: "git",
    diagnoser: "missing-tool",
    evidence: "No git binary found in $PATH",
    hints: ["webpack"],
  },
  {
    file: "tool-gunicorn-compose.log",
    kind: "python_module",
    missing: "gunicorn",
    package: "gunicorn",
    ecosystem: "pypi",
    diagnoser: "missing-tool",
    evidence: "gunicorn: not found",
    hints: ["server"],
  },
  {
    file: "tool-node-gyp-make.log",
    kind: "system_package",
    missing: "make",
    package: "make",
    ecosystem: "debian",
    alpine: "make",
    diagnoser: "missing-tool",
    evidence: "Error: not found: make",
  },
  // libffi is reported first, but the compiler is what is missing last: the last fixable error wins.
  {
    file: "tool-gcc-after-pkgconfig.log",
    kind: "system_package",
    missing: "gcc",
    package: "build-essential",
    ecosystem: "debian",
    alpine: "build-base",
    diagnoser: "missing-tool",
    evidence: "unable to execute 'gcc'",
  },
  {
    file: "shlib-libsndfile-after-optional-import.log",
    kind: "system_package",
    missing: "libsndfile.so.1",
    package: "libsndfile1",
    ecosystem: "debian",
    diagnoser: "shared-library",
    alpine: "libsndfile",
    evidence: "OSError: sndfile library not found using ctypes.util.find_library",
  },
  {
    file: "shlib-libgfortran4-node-image.log",
    kind: "system_package",
    missing: "libgfortran.so.4",
    package: "libgfortran4",
    ecosystem: "debian",
    diagnoser: "shared-library",
    evidence: "libgfortran.so.4: cannot open shared object file",
  },
];

const NOT_FIXABLE: NotFixable[] = [
  {
    file: "lookalike-node-lodash-from-dependency.log",
    reason: "required from inside node_modules by 'package-merge'",
    evidence: "Cannot find module 'lodash/object/mapValues'",
  },
  {
    file: "lookalike-py-namespace-google.log",
    reason: "namespace shared by many distributions",
    evidence: "import google.protobuf.json_format",
    hints: ["crawler"],
  },
  {
    file: "lookalike-py-own-module.log",
    reason: "project's own module (src/__init__.py)",
    evidence: "from src import bot",
    projectFiles: ["main.py", "src/__init__.py", "src/bot.py", "requirements.txt"],
  },
  {
    file: "lookalike-py-own-module.log",
    reason: "generic project-layout name",
    evidence: "No module named 'src'",
  },
  {
    file: "lookalike-py2-stdlib.log",
    reason: "Python 2 standard-library module",
    evidence: "import urllib2",
  },
  {
    file: "lookalike-py-shadowed-stdlib.log",
    reason: "a module, not a package",
    evidence: "urllib is not a package",
  },
  {
    file: "lookalike-py-typo.log",
    reason: "away from 'requests': looks like a typo",
    evidence: "import reqeusts",
  },
  {
    file: "lookalike-node-relative.log",
    reason: "'./_baseValues' is a relative path",
    evidence: "Cannot find module './_baseValues'",
  },
  {
    file: "lookalike-node-entrypoint.log",
    reason: "'/app/src/index.js' is an absolute path",
    evidence: "Cannot find module '/app/src/index.js'",
  },
  {
    file: "lookalike-node-ts-relative.log",
    reason: "'./instructions/arg' is a relative path",
    evidence: "parser/dockerfileParser.ts(12,21)",
  },
  {
    file: "lookalike-node-builtin-ts.log",
    reason: "'path' is a Node.js built-in module",
    evidence: "server/bids/bid_server.ts(2,23)",
  },
  {
    file: "lookalike-header-generated.log",
    reason: "no system package is known for header 'fficonfig.h'",
    evidence: "#include <fficonfig.h>",
  },
  {
    file: "lookalike-tool-project-script.log",
    reason: "'scripts/aerospike-client-c.sh' is a path to a file of the project",
    evidence: "/bin/sh: scripts/aerospike-client-c.sh: not found",
  },
  {
    file: "lookalike-assertion-pytest.log",
    reason: "looks like a test assertion failure",
    evidence: "FAILED test_example_short_test_summary_info.py::test_message",
  },
  {
    file: "lookalike-assertion-quotes-message.log",
    reason: "looks like a test assertion failure",
    evidence: "test_missing_dep_message",
  },
  {
    file: "lookalike-network-pip.log",
    reason: "looks like a network error",
    evidence: "Temporary failure in name resolution",
  },
  {
    file: "lookalike-syntax-error.log",
    reason: "looks like a syntax error",
    evidence: "SyntaxError: invalid syntax",
  },
  {
    file: "long-lookalike-node-ts2307-inside-dependency-types.log",
    reason: "required from inside node_modules by 'micri'",
    evidence: "node_modules/micri/dist/errors.d.ts(1,30): error TS2307",
  },
  {
    file: "lookalike-node-pnpm-require-from-dependency.log",
    reason: "required from inside node_modules by 'electron-builder'",
    evidence: "Cannot find module 'dmg-builder'",
  },
  {
    file: "lookalike-node-next-aliased-vendor-folder.log",
    reason: "aliased to the project's own path './public/vendor/simplecc/simplecc_wasm'",
    evidence: "Import map: aliased to relative",
  },
];

const read = (file: string): string => readFileSync(new URL(file, DIR), "utf8");

describe("fixtures: real-world logs that show a fixable missing dependency", () => {
  it.each(FIXABLE)("$file -> $package ($ecosystem)", async (fixture) => {
    const diagnosis = await diagnoseLog(read(fixture.file), { projectFiles: fixture.projectFiles });
    expect(diagnosis.finding).toMatchObject({
      kind: fixture.kind,
      missing: fixture.missing,
      package: fixture.package,
      ecosystem: fixture.ecosystem,
      diagnoser: fixture.diagnoser,
    });
    if (fixture.alpine) expect(diagnosis.finding?.systemPackages?.alpine).toBe(fixture.alpine);
    expect(diagnosis.evidence.some((line) => line.includes(fixture.evidence))).toBe(true);
    expect(diagnosis.evidence.length).toBeLessThanOrEqual(5);
    expect(diagnosis.finding?.evidence).toEqual(diagnosis.evidence);
    expect(diagnosis.reason).toContain(fixture.package);
    if (fixture.hints) expect(diagnosis.serviceHints).toEqual(fixture.hints);
    expect(diagnosis.truncated).toBe(false);
  });
});

describe("fixtures: look-alikes and other failures are never fixed", () => {
  it.each(NOT_FIXABLE)("$file: $reason", async (fixture) => {
    const diagnosis = await diagnoseLog(read(fixture.file), { projectFiles: fixture.projectFiles });
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toContain(fixture.reason);
    if (fixture.evidence)
      expect(diagnosis.evidence.some((line) => line.includes(fixture.evidence!))).toBe(true);
    if (fixture.hints) expect(diagnosis.serviceHints).toEqual(fixture.hints);
  });
});

describe("fixture files", () => {
  it("every fixture names its source on the first line and the confirmed fix in an # expect: header", async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith(".log")).sort();
    for (const file of files) {
      const [first, ...rest] = read(file).split("\n");
      expect(first, file).toMatch(/^# source: \S/);
      expect(
        rest.slice(0, 3).some((line) => /^# expect: (?:none|pypi|npm|debian|alpine)\b.* — \S/.test(line)),
        `${file} has no "# expect: ... — why" header`,
      ).toBe(true);
    }
  });

  it("every table row names an existing fixture", async () => {
    const files = new Set((await readdir(DIR)).filter((f) => f.endsWith(".log")));
    for (const { file } of [...FIXABLE, ...NOT_FIXABLE]) expect(files.has(file), file).toBe(true);
  });
});
