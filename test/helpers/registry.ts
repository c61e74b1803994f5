/**
 * Registry answers for tests: documents shaped like the real PyPI JSON API and npm registry (so the
 * parsing is exercised through nock), and an in-memory registry for tests about something else.
 */
import nock from "nock";
import type { PackageFacts, PackageRegistry } from "../../src/patch/registry-lookup.js";

const DAY = 86_400_000;

export function daysAgo(days: number, now = Date.now()): Date {
  return new Date(now - days * DAY);
}

/** `GET /pypi/<name>/json`: info.version plus releases whose files carry upload times. */
export function pypiDocument(name: string, versions: Array<{ version: string; uploaded: Date }>): object {
  const releases: Record<string, object[]> = {};
  for (const { version, uploaded } of versions) {
    releases[version] = [
      {
        filename: `${name}-${version}.tar.gz`,
        packagetype: "sdist",
        upload_time: uploaded.toISOString().slice(0, 19),
        upload_time_iso_8601: uploaded.toISOString(),
      },
    ];
  }
  return {
    info: {
      name,
      version: versions[versions.length - 1]!.version,
      package_url: `https://pypi.org/project/${name}/`,
    },
    releases,
    urls: [],
  };
}

/** `GET /<name>` on the npm registry: dist-tags and the `time` map (created, modified, per version). */
export function npmDocument(name: string, versions: Array<{ version: string; published: Date }>): object {
  const time: Record<string, string> = {
    created: versions[0]!.published.toISOString(),
    modified: new Date().toISOString(),
  };
  for (const { version, published } of versions) time[version] = published.toISOString();
  return {
    name,
    "dist-tags": { latest: versions[versions.length - 1]!.version },
    versions: Object.fromEntries(versions.map((v) => [v.version, { name, version: v.version }])),
    time,
  };
}

/** nock for one PyPI package (first release `ageDays` ago). */
export function nockPyPI(
  name: string,
  options: { ageDays: number; version?: string; base?: string; path?: string },
): nock.Scope {
  const base = options.base ?? "https://pypi.org";
  return nock(base)
    .get(`${options.path ?? ""}/pypi/${name}/json`)
    .reply(
      200,
      pypiDocument(name, [
        { version: "0.1.0", uploaded: daysAgo(options.ageDays) },
        { version: options.version ?? "1.0.0", uploaded: daysAgo(Math.max(0, options.ageDays - 1)) },
      ]),
    );
}

export function nockNpm(
  name: string,
  options: { ageDays: number; version?: string; base?: string },
): nock.Scope {
  return nock(options.base ?? "https://registry.npmjs.org")
    .get(`/${name.replace("/", "%2f")}`)
    .reply(
      200,
      npmDocument(name, [
        { version: "0.1.0", published: daysAgo(options.ageDays) },
        { version: options.version ?? "1.0.0", published: daysAgo(Math.max(0, options.ageDays - 1)) },
      ]),
    );
}

/**
 * An in-memory registry for tests about something other than the registry: every name exists, was first
 * published `ageDays` ago and has `latest` as its newest version. Records the names it was asked about.
 */
export function publishedRegistry(
  options: { ageDays?: number; latest?: string } = {},
): PackageRegistry & { asked: string[] } {
  const asked: string[] = [];
  const facts = async (ecosystem: "pypi" | "npm", name: string): Promise<PackageFacts> => {
    asked.push(`${ecosystem}:${name}`);
    return {
      ecosystem,
      name,
      latest: options.latest ?? "1.0.0",
      firstPublished: daysAgo(options.ageDays ?? 3650),
      page:
        ecosystem === "pypi" ? `https://pypi.org/project/${name}/` : `https://www.npmjs.com/package/${name}`,
      source:
        ecosystem === "pypi" ? `https://pypi.org/pypi/${name}/json` : `https://registry.npmjs.org/${name}`,
    };
  };
  return {
    asked,
    facts,
    latest: async (ecosystem, name) => (await facts(ecosystem, name)).latest,
  };
}
