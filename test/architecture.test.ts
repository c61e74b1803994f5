/** Import and lookup rules of the tree (ARCHITECTURE.md), checked over the source text. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:import|export)[^;]*?from "([^"]+)"/gs)].map((m) => m[1]!);
}

/** The top-level folder an import lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) return `package:${spec}`;
  return relative(ROOT, join(ROOT, file, "..", spec)).split("/")[0]!;
}

describe("the import rules", () => {
  it("contract/ imports nothing but zod and itself", () => {
    for (const file of sources("contract"))
      for (const spec of imports(file))
        expect(["contract", "package:zod"], `${file} imports ${spec}`).toContain(target(file, spec));
  });

  it("github/ imports only contract/, the redactor and renderer helpers, and packages", () => {
    for (const file of sources("github"))
      for (const spec of imports(file)) {
        const to = target(file, spec);
        if (to === "src") expect(spec, `${file} imports ${spec}`).toMatch(/\/src\/(render\/text|redact\/)/);
        else
          expect(
            to.startsWith("package:") || to === "github" || to === "contract",
            `${file} imports ${spec}`,
          ).toBe(true);
      }
  });

  it("src/ never imports the runner, except the CLI (its demo drives a local runner)", () => {
    for (const file of sources("src").filter((f) => !f.startsWith("src/cli/")))
      for (const spec of imports(file))
        expect(target(file, spec), `${file} imports ${spec}`).not.toBe("runner");
  });
});

describe("the runner's imports of src/", () => {
  it("reach only shared plumbing, never the app's stages", () => {
    for (const file of sources("runner"))
      for (const spec of imports(file))
        expect(spec, `${file} imports ${spec}`).not.toMatch(
          /\/src\/(app|commands|diagnose|patch|policy|webhook)\//,
        );
  });
});

/** The files of the tree `file` imports (relative imports only). */
function importedFiles(file: string): string[] {
  return imports(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => relative(ROOT, join(ROOT, file, "..", spec)).replace(/\.js$/, ".ts"));
}

/** The first import cycle found among `files` (following only edges inside the set), or null. */
function importCycle(files: string[], importsOf = importedFiles): string[] | null {
  const set = new Set(files);
  const edges = (file: string): string[] => importsOf(file).filter((to) => set.has(to));
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | null => {
    if (path.includes(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return null;
    for (const to of edges(file)) {
      const cycle = visit(to, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    return null;
  };
  for (const file of files) {
    const cycle = visit(file, []);
    if (cycle) return cycle;
  }
  return null;
}

describe("the app's stages", () => {
  it("import each other without a cycle (AppDeps knows nothing of the commands that receive it)", () => {
    const stages = ["src/app", "src/commands", "src/deploy", "src/approval"].flatMap(sources);
    expect(importCycle(stages)).toBeNull();
  });

  it("the cycle check reports a cycle through three files, and none in a chain", () => {
    const graph: Record<string, string[]> = { a: ["b"], b: ["c"], c: ["a"], d: ["a"] };
    const of = (file: string) => graph[file] ?? [];
    expect(importCycle(["d", "a", "b", "c"], of)).toEqual(["a", "b", "c", "a"]);
    expect(importCycle(["d", "a", "b"], of)).toBeNull();
  });
});

/**
 * Names still shared by files of different folders, each for the same role in its folder: entry points
 * (index, main), a folder's registry, argv builders, a CLI's and a chat command's handler of the same
 * command, Docker's and the journal's events and errors, the demo's and the pipeline's steps, text helpers.
 */
const SHARED_NAMES = [
  "argv.ts",
  "deploy-command.ts",
  "errors.ts",
  "events.ts",
  "fix-command.ts",
  "index.ts",
  "main.ts",
  "registry.ts",
  "steps.ts",
  "text.ts",
];

describe("file names", () => {
  it("no two source files share a name, but the few listed", () => {
    const byName = new Map<string, string[]>();
    for (const file of ["src", "runner", "github", "contract"].flatMap(sources)) {
      const name = file.split("/").pop()!;
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    const clashes = [...byName].filter(([name, files]) => files.length > 1 && !SHARED_NAMES.includes(name));
    expect(clashes).toEqual([]);
  });
});

describe("a service is resolved once", () => {
  it("no code outside src/config/service.ts indexes config.services", () => {
    const offenders = [
      ...sources("src"),
      ...sources("runner"),
      ...sources("github"),
      ...sources("contract"),
    ].filter(
      (file) =>
        file !== "src/config/service.ts" && /\.services\[/.test(readFileSync(join(ROOT, file), "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
