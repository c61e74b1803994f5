import { parse as parseToml } from "smol-toml";

/**
 * What a repository's manifests already declare. A missing module whose package is declared here is not
 * fixed by adding it again: the image was built without it (stale image, missing install step, wrong
 * working directory), and the diagnosis says so instead.
 */
export interface DeclaredDependencies {
  /** Normalized distribution name (PEP 503: lower case, runs of `-_.` as `-`) -> the manifest declaring it. */
  python: ReadonlyMap<string, string>;
  /** npm package name -> the manifest declaring it. */
  node: ReadonlyMap<string, string>;
  /** Dockerfiles whose text was read, with whether they run an install step for each ecosystem. */
  installSteps: { python: boolean; node: boolean; dockerfiles: string[] };
}

export const normalizePythonName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

const REQUIREMENT_NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)/;

/** `requirements*.txt`: one requirement a line; options (`-r`, `-e`, `--hash`), comments and URLs skipped. */
export function requirementsNames(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line || line.startsWith("-") || /^[a-z+]+:\/\//.test(line)) continue;
    const match = REQUIREMENT_NAME.exec(line);
    if (match) names.push(match[1]!);
  }
  return names;
}

/** PEP 508 strings (`requests[socks]>=2; python_version<"3.12"`) -> the names. */
function pep508Names(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  return values
    .filter((v): v is string => typeof v === "string")
    .map((v) => REQUIREMENT_NAME.exec(v.trim())?.[1])
    .filter((v): v is string => Boolean(v));
}

const keysOf = (value: unknown): string[] =>
  value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];

/** pyproject.toml: PEP 621 (dependencies, optional-dependencies), PEP 735 groups, Poetry (main and groups). */
export function pyprojectNames(text: string): string[] {
  type Table = Record<string, unknown>;
  const table = (value: unknown): Table =>
    value && typeof value === "object" && !Array.isArray(value) ? (value as Table) : {};
  const doc = table(parseToml(text));
  const project = table(doc.project);
  const poetry = table(table(doc.tool).poetry);
  const names = [
    ...pep508Names(project.dependencies),
    ...Object.values(table(project["optional-dependencies"])).flatMap(pep508Names),
    ...Object.values(table(doc["dependency-groups"])).flatMap(pep508Names),
    ...keysOf(poetry.dependencies),
    ...keysOf(poetry["dev-dependencies"]),
    ...Object.values(table(poetry.group)).flatMap((group) => keysOf(table(group).dependencies)),
  ];
  return names.filter((name) => name.toLowerCase() !== "python");
}

/** Pipfile: `[packages]` and `[dev-packages]` keys. */
export function pipfileNames(text: string): string[] {
  const doc = parseToml(text) as Record<string, unknown>;
  return [...keysOf(doc.packages), ...keysOf(doc["dev-packages"])];
}

/** package.json: every dependency field. */
export function packageJsonNames(text: string): string[] {
  const doc = JSON.parse(text) as Record<string, unknown>;
  return ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
    keysOf(doc[field]),
  );
}

/** The image of the final stage (`FROM python:3.12-alpine AS app` -> `python:3.12-alpine`). */
export function dockerfileBase(text: string): string | null {
  let base: string | null = null;
  for (const line of text.split("\n")) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (match) base = match[1]!;
  }
  return base;
}

const PYTHON_INSTALL =
  /\b(?:pip3?|uv pip|poetry|pipenv|pdm|uv sync|uv add)\b.*\b(?:install|sync)\b|\buv sync\b/;
const NODE_INSTALL =
  /\b(?:npm (?:install|ci|i)\b|yarn(?: install)?\s*(?:$|--|&&)|pnpm (?:install|i)\b|bun install\b)/;

/** Reads manifests given as (repo-relative path, text) pairs; unparseable files are skipped, named in `skipped`. */
export function declaredFrom(files: Iterable<[path: string, text: string]>): {
  declared: DeclaredDependencies;
  dockerBase: string | null;
  skipped: string[];
} {
  const python = new Map<string, string>();
  const node = new Map<string, string>();
  const installSteps = { python: false, node: false, dockerfiles: [] as string[] };
  const skipped: string[] = [];
  let dockerBase: string | null = null;
  let dockerDepth = Infinity;
  for (const [path, text] of files) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    try {
      if (/^requirements[^/]*\.(txt|in)$/.test(name)) {
        for (const n of requirementsNames(text))
          if (!python.has(normalizePythonName(n))) python.set(normalizePythonName(n), path);
      } else if (name === "pyproject.toml") {
        for (const n of pyprojectNames(text))
          if (!python.has(normalizePythonName(n))) python.set(normalizePythonName(n), path);
      } else if (name === "Pipfile") {
        for (const n of pipfileNames(text))
          if (!python.has(normalizePythonName(n))) python.set(normalizePythonName(n), path);
      } else if (name === "package.json") {
        for (const n of packageJsonNames(text)) if (!node.has(n)) node.set(n, path);
      } else if (/^Dockerfile/.test(name)) {
        installSteps.dockerfiles.push(path);
        const body = text.replace(/\\\r?\n/g, " ");
        if (PYTHON_INSTALL.test(body)) installSteps.python = true;
        if (NODE_INSTALL.test(body)) installSteps.node = true;
        const depth = path.split("/").length;
        const base = dockerfileBase(text);
        if (base && depth < dockerDepth) {
          dockerBase = base;
          dockerDepth = depth;
        }
      }
    } catch {
      skipped.push(path);
    }
  }
  return { declared: { python, node, installSteps }, dockerBase, skipped };
}

/** Whether a repo-relative path is a manifest `declaredFrom` reads. */
export function isManifestPath(path: string): boolean {
  if (path.split("/").some((segment) => segment === "node_modules" || segment === ".git")) return false;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return /^(requirements[^/]*\.(txt|in)|pyproject\.toml|Pipfile|package\.json|Dockerfile[^/]*)$/.test(name);
}
