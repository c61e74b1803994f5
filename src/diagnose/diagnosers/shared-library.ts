import { SHARED_LIBRARY_PACKAGES } from "../data/shared-libraries.js";
import type { Diagnoser, Observation, Resolution } from "../diagnoser.js";
import { resolveSystemPackage } from "../names/system-name.js";

const SONAME = String.raw`([\w.+-]+\.so(?:\.[\w.]+)?)`;
const GLIBC_PATTERNS = [
  // The glibc loader: `node: error while loading shared libraries: libstdc++.so.6: cannot open ...`.
  new RegExp(String.raw`error while loading shared libraries: (?:\S*/)?${SONAME}:`),
  // dlopen from Python: `ImportError: libGL.so.1: cannot open shared object file: No such file or directory`.
  new RegExp(String.raw`(?:^|[\s:(])(?:\S*/)?${SONAME}: cannot open shared object file`),
];
// musl: `Error loading shared library libgomp.so.1: No such file or directory (needed by /usr/lib/...)`.
const MUSL_PATTERN = new RegExp(
  String.raw`Error loading shared library (?:\S*/)?${SONAME}: No such file or directory`,
);

// Python wrappers that look a library up by name before loading it: soundfile's own message and cffi's
// `ctypes.util.find_library() did not manage to locate a library called 'sndfile'`.
const FIND_LIBRARY_PATTERNS = [
  /\b(sndfile) library not found\b/,
  /did not manage to locate a library called [`'"]([\w+-]+)[`'"]/,
];

/** The soname the table knows for a library looked up by name (`sndfile` -> `libsndfile.so.1`). */
function sonameOfLibraryName(name: string): string {
  const prefix = `lib${name}.so.`;
  return Object.keys(SHARED_LIBRARY_PACKAGES).find((soname) => soname.startsWith(prefix)) ?? `lib${name}.so`;
}

/** `libGL.so.1: cannot open shared object file` -> `libgl1` (Debian) / `mesa-gl` (Alpine). */
export const sharedLibraryDiagnoser: Diagnoser = {
  name: "shared-library",
  kind: "system_package",
  triggers: [
    "cannot open shared object file",
    "error while loading shared libraries",
    "Error loading shared library",
    "library not found",
    "did not manage to locate a library",
  ],
  match(line): Observation | null {
    const musl = MUSL_PATTERN.exec(line);
    if (musl) return { missing: musl[1]!, evidence: [line], distro: "alpine" };
    for (const pattern of GLIBC_PATTERNS) {
      const match = pattern.exec(line);
      if (match) return { missing: match[1]!, evidence: [line] };
    }
    for (const pattern of FIND_LIBRARY_PATTERNS) {
      const match = pattern.exec(line);
      if (match) return { missing: sonameOfLibraryName(match[1]!), evidence: [line] };
    }
    return null;
  },
  resolve(missing, context): Resolution {
    if (/^ld-linux|^ld-musl/.test(missing)) {
      return {
        fixable: false,
        reason: `'${missing}' is the C library's own loader: a program built for another libc (glibc on musl), not a missing package`,
      };
    }
    if (/^libpython\d/.test(missing)) {
      return {
        fixable: false,
        reason: `'${missing}' belongs to the Python interpreter itself: a broken or mismatched interpreter, not a package to add`,
      };
    }
    return resolveSystemPackage(missing, "shared library", SHARED_LIBRARY_PACKAGES, context);
  },
};
