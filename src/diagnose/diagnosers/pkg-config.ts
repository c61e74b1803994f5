import { PKG_CONFIG_PACKAGES } from "../data/system-packages.js";
import type { Diagnoser, Observation } from "../diagnoser.js";
import { lookupSystemPackages, resolveSystemPackage } from "../names/system-name.js";

const NAME = String.raw`([\w.+-]+)`;
const PATTERNS = [
  new RegExp(String.raw`Package ['"]?${NAME}['"]? was not found in the pkg-config search path`),
  new RegExp(String.raw`No package '${NAME}' found`),
  new RegExp(String.raw`Package '${NAME}',? required by '[^']*', not found`), // pkgconf
  new RegExp(String.raw`Dependency "${NAME}" not found`), // meson
  new RegExp(String.raw`Could NOT find ${NAME}(?: \(missing|$)`), // CMake find_package
];

/** `Package libffi was not found in the pkg-config search path` -> `libffi-dev`. */
export const pkgConfigDiagnoser: Diagnoser = {
  name: "pkg-config",
  kind: "system_package",
  triggers: ["pkg-config search path", "No package '", "not found", "Could NOT find"],
  match(line): Observation | null {
    for (const pattern of PATTERNS) {
      const match = pattern.exec(line);
      if (match) return { missing: match[1]!, evidence: [line] };
    }
    return null;
  },
  resolve(missing, context) {
    // CMake spells names its own way (ZLIB, OpenSSL, LibXml2): fall back to the lower-cased name.
    const name =
      Object.hasOwn(context.maps.system, missing) || lookupSystemPackages(missing, PKG_CONFIG_PACKAGES)
        ? missing
        : missing.toLowerCase();
    return resolveSystemPackage(name, "pkg-config package", PKG_CONFIG_PACKAGES, context);
  },
};
