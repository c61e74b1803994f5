/**
 * Which import names belong to the repository itself, from its file list (`git ls-files`). Installing a
 * registry package named like one of the project's own modules would be a dependency-confusion hole, so
 * such names are never fixed.
 *
 * Roots are where a bare import can resolve: the repository root, every folder holding a manifest
 * (Python: requirements*.txt, pyproject.toml, setup.py, setup.cfg, Pipfile, manage.py, Dockerfile;
 * Node: package.json, tsconfig.json, Dockerfile), and the `src/` folder of each. A name is the project's
 * own when, at one of those roots, there is a module file (`name.py`, `name.ts`, ...) or a folder of
 * source files named like it. For Python, a `name/__init__.py` anywhere also counts (an explicit package).
 */

const IGNORED_SEGMENTS = new Set([
  "node_modules",
  ".git",
  "venv",
  ".venv",
  "site-packages",
  "dist-packages",
  "__pycache__",
  ".tox",
]);
const PYTHON_MANIFEST =
  /^(requirements[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|manage\.py|Dockerfile)$/;
const NODE_MANIFEST = /^(package\.json|tsconfig\.json|Dockerfile)$/;
const NODE_SOURCE = /\.(m?[jt]sx?|c[jt]s|json|vue|svelte)$/;

export interface ProjectIndex {
  /** The file proving `name` is one of the project's Python modules, or null. */
  pythonModule(name: string): string | null;
  /** The file proving the bare specifier root `name` resolves inside the project, or null. */
  nodeModule(name: string): string | null;
}

export function indexProjectFiles(files: readonly string[]): ProjectIndex {
  const paths = files
    .map((f) => f.replace(/\\/g, "/").replace(/^\.\//, ""))
    .filter((f) => f && !f.split("/").some((segment) => IGNORED_SEGMENTS.has(segment)));

  const pythonRoots = new Set([""]);
  const nodeRoots = new Set([""]);
  for (const path of paths) {
    const { dir, base } = split(path);
    if (PYTHON_MANIFEST.test(base)) pythonRoots.add(dir);
    if (NODE_MANIFEST.test(base)) nodeRoots.add(dir);
  }
  for (const roots of [pythonRoots, nodeRoots]) for (const root of [...roots]) roots.add(`${root}src/`);

  const python = new Map<string, string>();
  const node = new Map<string, string>();
  for (const path of paths) {
    if (path.endsWith(".py")) {
      const segments = path.split("/");
      if (segments.at(-1) === "__init__.py" && segments.length >= 2) remember(python, segments.at(-2)!, path);
      rememberAtRoots(python, pythonRoots, path, (base) => base.replace(/\.py$/, ""));
    } else if (NODE_SOURCE.test(path)) {
      rememberAtRoots(node, nodeRoots, path, (base) => base.replace(NODE_SOURCE, ""));
    }
  }
  return {
    pythonModule: (name) => python.get(name) ?? null,
    nodeModule: (name) => node.get(name) ?? null,
  };
}

/** For `root/name.ext` remembers `name`; for `root/name/...` remembers `name` (a folder of sources). */
function rememberAtRoots(
  into: Map<string, string>,
  roots: ReadonlySet<string>,
  path: string,
  stem: (base: string) => string,
): void {
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const root = i === 0 ? "" : `${segments.slice(0, i).join("/")}/`;
    if (!roots.has(root)) continue;
    const rest = segments.slice(i);
    remember(into, rest.length === 1 ? stem(rest[0]!) : rest[0]!, path);
  }
}

function remember(into: Map<string, string>, name: string, path: string): void {
  if (name && !into.has(name)) into.set(name, path);
}

function split(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf("/");
  return { dir: path.slice(0, slash + 1), base: path.slice(slash + 1) };
}
