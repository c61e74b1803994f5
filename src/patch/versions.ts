/** Latest released versions from PyPI and the npm registry, for files that pin their dependencies. */

export interface VersionLookup {
  latest(ecosystem: "pypi" | "npm", name: string): Promise<string | null>;
}

export interface RegistryOptions {
  fetch?: typeof fetch;
  /** Base URL of the PyPI JSON API. Default `https://pypi.org`. */
  pypiUrl?: string;
  /** Base URL of the npm registry. Default `https://registry.npmjs.org`. */
  npmUrl?: string;
}

const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function registryVersions(opts: RegistryOptions = {}): VersionLookup {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const pypiUrl = (opts.pypiUrl ?? "https://pypi.org").replace(/\/+$/, "");
  const npmUrl = (opts.npmUrl ?? "https://registry.npmjs.org").replace(/\/+$/, "");

  async function getJson(url: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(url, { headers: { accept: "application/json" } });
    } catch (error) {
      throw new Error(`could not look up ${what} at ${url}: ${networkReason(error)}`);
    }
    if (response.status === 404) throw new Error(`${what} does not exist (404 from ${url})`);
    if (!response.ok) throw new Error(`could not look up ${what}: HTTP ${response.status} from ${url}`);
    try {
      return await response.json();
    } catch {
      throw new Error(`could not look up ${what}: ${url} did not return JSON`);
    }
  }

  return {
    async latest(ecosystem, name) {
      if (ecosystem === "pypi") {
        if (!PYPI_NAME.test(name)) throw new Error(`'${name}' is not a valid PyPI project name`);
        const what = `PyPI package '${name}'`;
        const body = await getJson(`${pypiUrl}/pypi/${encodeURIComponent(name)}/json`, what);
        const version = (body as { info?: { version?: unknown } } | null)?.info?.version;
        return typeof version === "string" && version.length > 0 ? version : null;
      }
      if (!NPM_NAME.test(name)) throw new Error(`'${name}' is not a valid npm package name`);
      const what = `npm package '${name}'`;
      // Scoped names keep their '@' but the slash is encoded: /@scope%2fname.
      const body = await getJson(`${npmUrl}/${name.replace("/", "%2f")}`, what);
      const version = (body as { "dist-tags"?: { latest?: unknown } } | null)?.["dist-tags"]?.latest;
      return typeof version === "string" && version.length > 0 ? version : null;
    },
  };
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

/** `fetch failed` says nothing; its cause (ENOTFOUND, ECONNREFUSED, a TLS error) says what to fix. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : null;
  return detail ? `${error.message} (${detail}): is the registry reachable from here?` : error.message;
}
