/** Latest released versions from PyPI and the npm registry, for files that pin their dependencies. */
import { packageRegistry } from "./registry-lookup.js";

export interface VersionLookup {
  latest(ecosystem: "pypi" | "npm", name: string): Promise<string | null>;
  /** True when no registry is asked: patchers then add the dependency without a version. */
  unpinned?: boolean;
}

/** Asks no registry (`orchestrator fix --no-lookup`): every dependency is added without a version. */
export const NO_VERSIONS: VersionLookup = {
  unpinned: true,
  latest: () => Promise.resolve(null),
};

/**
 * `<operator><latest version>` for a file that pins, e.g. `==6.0.2`; "" when the lookup asks no
 * registry (the dependency is then added unpinned).
 */
export async function pinSpec(
  versions: VersionLookup,
  ecosystem: "pypi" | "npm",
  name: string,
  operator: string,
): Promise<string> {
  if (versions.unpinned) return "";
  return `${operator}${await requireLatest(versions, ecosystem, name)}`;
}

export interface RegistryOptions {
  fetch?: typeof fetch;
  /** Base URL of the PyPI JSON API. Default `https://pypi.org`. */
  pypiUrl?: string;
  /** Base URL of the npm registry. Default `https://registry.npmjs.org`. */
  npmUrl?: string;
}

/** Version lookups over the cached registry client (one request serves the pin and the age check). */
export function registryVersions(opts: RegistryOptions = {}): VersionLookup {
  return packageRegistry({
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    endpoints: {
      ...(opts.pypiUrl ? { pypi: opts.pypiUrl } : {}),
      ...(opts.npmUrl ? { npm: opts.npmUrl } : {}),
    },
  });
}

/** The latest version, or a clear error when the registry knows none. */
export async function requireLatest(
  versions: VersionLookup,
  ecosystem: "pypi" | "npm",
  name: string,
): Promise<string> {
  const version = await versions.latest(ecosystem, name);
  if (!version) {
    const registry = ecosystem === "pypi" ? "PyPI" : "the npm registry";
    throw new Error(`${registry} reports no released version of '${name}', so it cannot be pinned`);
  }
  return version;
}
