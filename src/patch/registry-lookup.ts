/**
 * What PyPI and the npm registry say about one package: whether it exists, its latest version and when it
 * was first published. One request per package, cached; the same answer serves the version pin and the
 * dependency-confusion check, so a pinned fix costs no extra request.
 */
import type { VersionLookup } from "./versions.js";

export type PackageEcosystem = "pypi" | "npm";

export interface PackageFacts {
  ecosystem: PackageEcosystem;
  name: string;
  latest: string | null;
  /** The oldest upload / publish time the registry reports, or null when it reports none. */
  firstPublished: Date | null;
  /** The page a reviewer opens (the public project page, or the metadata URL of a mirror). */
  page: string;
  /** The metadata URL that answered, without credentials. */
  source: string;
}

export interface PackageRegistry extends VersionLookup {
  /** The facts, or null when the registry says the package does not exist. Throws when it cannot ask. */
  facts(ecosystem: PackageEcosystem, name: string): Promise<PackageFacts | null>;
}

export interface RegistryEndpoints {
  /** Base of the PyPI JSON API (`<base>/pypi/<name>/json`). May carry `user:password@`. */
  pypi: string;
  /** Base of the npm registry (`<base>/<name>`). May carry `user:password@`. */
  npm: string;
}

export const PUBLIC_REGISTRIES: RegistryEndpoints = {
  pypi: "https://pypi.org",
  npm: "https://registry.npmjs.org",
};

export interface RegistryClientOptions {
  endpoints?: Partial<RegistryEndpoints>;
  fetch?: typeof fetch;
  /** How long an answer is reused. Default: for the life of the client (the CLI makes one per run). */
  ttlMs?: number;
  now?: () => number;
}

const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export const REGISTRY_NAME: Record<PackageEcosystem, string> = { pypi: "PyPI", npm: "the npm registry" };

/** A client over both registries with an in-memory cache (failed lookups are not cached). */
export function packageRegistry(options: RegistryClientOptions = {}): PackageRegistry {
  const doFetch = options.fetch ?? globalThis.fetch;
  const ttl = options.ttlMs ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  const pypi = endpoint(options.endpoints?.pypi ?? PUBLIC_REGISTRIES.pypi, "PyPI");
  const npm = endpoint(options.endpoints?.npm ?? PUBLIC_REGISTRIES.npm, "npm");
  const cache = new Map<string, { at: number; answer: Promise<PackageFacts | null> }>();

  async function getJson(url: string, headers: Record<string, string>, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(url, { headers: { accept: "application/json", ...headers } });
    } catch (error) {
      throw new Error(`could not look up ${what} at ${url}: ${networkReason(error)}`);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`could not look up ${what}: HTTP ${response.status} from ${url}`);
    try {
      return await response.json();
    } catch {
      throw new Error(`could not look up ${what}: ${url} did not return JSON`);
    }
  }

  async function load(ecosystem: PackageEcosystem, name: string): Promise<PackageFacts | null> {
    if (ecosystem === "pypi") {
      const url = `${pypi.base}/pypi/${encodeURIComponent(name)}/json`;
      const body = await getJson(url, pypi.headers, `PyPI package '${name}'`);
      if (body === null) return null;
      const page = pypi.base === PUBLIC_REGISTRIES.pypi ? `https://pypi.org/project/${name}/` : url;
      return { ecosystem, name, ...pypiFacts(body), page, source: url };
    }
    // Scoped names keep their '@' but the slash is encoded: /@scope%2fname.
    const url = `${npm.base}/${name.replace("/", "%2f")}`;
    const body = await getJson(url, npm.headers, `npm package '${name}'`);
    if (body === null) return null;
    const facts = npmFacts(body);
    if (facts === null) return null; // unpublished: the name exists but no version can be installed
    const page = npm.base === PUBLIC_REGISTRIES.npm ? `https://www.npmjs.com/package/${name}` : url;
    return { ecosystem, name, ...facts, page, source: url };
  }

  const registry: PackageRegistry = {
    facts(ecosystem, name) {
      const valid = ecosystem === "pypi" ? PYPI_NAME.test(name) : NPM_NAME.test(name);
      if (!valid) {
        const kind = ecosystem === "pypi" ? "PyPI project" : "npm package";
        return Promise.reject(new Error(`'${name}' is not a valid ${kind} name`));
      }
      const key = `${ecosystem}:${ecosystem === "pypi" ? name.toLowerCase() : name}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttl) return hit.answer;
      const answer = load(ecosystem, name);
      cache.set(key, { at: now(), answer });
      answer.catch(() => {
        if (cache.get(key)?.answer === answer) cache.delete(key);
      });
      return answer;
    },
    async latest(ecosystem, name) {
      const facts = await registry.facts(ecosystem, name);
      if (facts === null) {
        const url = ecosystem === "pypi" ? `${pypi.base}/pypi/${name}/json` : `${npm.base}/${name}`;
        const what = ecosystem === "pypi" ? `PyPI package '${name}'` : `npm package '${name}'`;
        throw new Error(`${what} does not exist (404 from ${url})`);
      }
      return facts.latest;
    },
  };
  return registry;
}

function pypiFacts(body: unknown): { latest: string | null; firstPublished: Date | null } {
  const data = body as {
    info?: { version?: unknown };
    releases?: Record<string, Array<{ upload_time_iso_8601?: unknown; upload_time?: unknown }>>;
  } | null;
  const version = data?.info?.version;
  const times: Date[] = [];
  for (const files of Object.values(data?.releases ?? {})) {
    if (!Array.isArray(files)) continue;
    for (const file of files) times.push(...dates([file?.upload_time_iso_8601 ?? file?.upload_time]));
  }
  return { latest: typeof version === "string" && version ? version : null, firstPublished: oldest(times) };
}

function npmFacts(body: unknown): { latest: string | null; firstPublished: Date | null } | null {
  const data = body as { "dist-tags"?: { latest?: unknown }; time?: Record<string, unknown> } | null;
  const time = data?.time ?? {};
  if ("unpublished" in time) return null;
  const version = data?.["dist-tags"]?.latest;
  const stamps = Object.entries(time)
    .filter(([key]) => key !== "modified")
    .map(([, value]) => value);
  return {
    latest: typeof version === "string" && version ? version : null,
    firstPublished: oldest(dates(stamps)),
  };
}

function dates(values: unknown[]): Date[] {
  return values
    .filter((v): v is string => typeof v === "string")
    .map((v) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`))
    .filter((d) => !Number.isNaN(d.getTime()));
}

function oldest(times: Date[]): Date | null {
  return times.length === 0 ? null : new Date(Math.min(...times.map((d) => d.getTime())));
}

/** A base URL without its credentials (those go into an Authorization header, never into a message). */
function endpoint(raw: string, what: string): { base: string; headers: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`the ${what} registry URL '${redactUrl(raw)}' is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`the ${what} registry URL '${redactUrl(raw)}' must use http or https`);
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  url.search = "";
  url.hash = "";
  return { base: url.toString().replace(/\/+$/, ""), headers };
}

/** `https://user:secret@host/x` -> `https://host/x`, for messages about a URL that did not parse. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^/@\s]*@/, "//");
}

/** `fetch failed` says nothing; its cause (ENOTFOUND, ECONNREFUSED, a TLS error) says what to fix. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : null;
  return detail ? `${error.message} (${detail}): is the registry reachable from here?` : error.message;
}
