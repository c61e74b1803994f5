import type { SystemPackages } from "../data/system-packages.js";
import type { ResolveContext, Resolution } from "../diagnoser.js";

/** Exact key first, then the longest `dir/` key the name sits under (`openssl/ssl.h` -> `openssl/`). */
export function lookupSystemPackages(
  name: string,
  table: Readonly<Record<string, SystemPackages>>,
): SystemPackages | null {
  if (Object.hasOwn(table, name)) return table[name]!;
  const parts = name.split("/");
  for (let i = parts.length - 1; i > 0; i--) {
    const dir = `${parts.slice(0, i).join("/")}/`;
    if (Object.hasOwn(table, dir)) return table[dir]!;
  }
  return null;
}

/**
 * Header / pkg-config name / tool -> system packages, the repository's `maps.system` first. `what` names
 * the thing for humans ("header", "pkg-config package", "tool").
 */
export function resolveSystemPackage(
  missing: string,
  what: string,
  table: Readonly<Record<string, SystemPackages>>,
  context: ResolveContext,
): Resolution {
  let packages: SystemPackages | null;
  if (Object.hasOwn(context.maps.system, missing)) {
    packages = context.maps.system[missing] ?? null;
    if (!packages)
      return {
        fixable: false,
        reason: `${what} '${missing}' is marked "never fix" in the repository's maps.system`,
      };
  } else {
    packages = lookupSystemPackages(missing, table);
  }
  if (!packages) {
    return {
      fixable: false,
      reason: `no system package is known for ${what} '${missing}' (add it under maps.system if it should be installed)`,
    };
  }
  const cleaned: SystemPackages = Object.fromEntries(Object.entries(packages).filter(([, v]) => v));
  const primary = cleaned.debian
    ? { ecosystem: "debian" as const, package: cleaned.debian }
    : cleaned.alpine
      ? { ecosystem: "alpine" as const, package: cleaned.alpine }
      : null;
  if (!primary) {
    return {
      fixable: false,
      reason: `only an rpm package is known for ${what} '${missing}' (${cleaned.rpm ?? "none"})`,
    };
  }
  const families = [
    cleaned.debian && `${cleaned.debian} (Debian)`,
    cleaned.alpine && `${cleaned.alpine} (Alpine)`,
  ]
    .filter(Boolean)
    .join(" / ");
  return {
    fixable: true,
    kind: "system_package",
    package: primary.package,
    ecosystem: primary.ecosystem,
    systemPackages: cleaned,
    summary: `missing ${what} '${missing}': install ${families}`,
  };
}
