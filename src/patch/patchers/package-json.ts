import { pinSpec } from "../versions.js";
import {
  PatchProofError,
  dominantStyle,
  type Patcher,
  type PatchOutcome,
  type PinStyle,
} from "../patcher.js";
import { detectEol } from "../text.js";

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

type Json = Record<string, unknown>;

const SECTIONS = ["dependencies", "optionalDependencies", "peerDependencies"] as const;

export const packageJsonPatcher: Patcher = {
  name: "package-json",
  description:
    "package.json: adds the package to dependencies in the file's range style, indentation and order",
  kinds: ["node_module"],
  async candidates({ inFolder, has }) {
    const manifest = inFolder("package.json");
    return has(manifest)
      ? [{ path: manifest, exists: true, why: `${manifest} is the service's manifest`, rank: 0 }]
      : [];
  },
  noCandidate: ({ inFolder }) =>
    `${inFolder("package.json")} does not exist; orchestrator does not create package manifests`,
  lockFiles: ["package-lock.json", "pnpm-lock.yaml", "yarn.lock"],
  allow: ["package.json"],
  matches: (path) => /(^|\/)package\.json$/.test(path),
  dependencies: (text) => {
    const doc = parseJson(text, "package.json");
    return SECTIONS.flatMap((s) => Object.keys((doc[s] as Json | undefined) ?? {}));
  },
  sameName: (a, b) => a === b,

  async apply(text, dependency, { versions, path }): Promise<PatchOutcome> {
    const doc = parseJson(text, path);
    const name = dependency.name;
    for (const section of SECTIONS) {
      const block = doc[section] as Json | undefined;
      if (block && Object.hasOwn(block, name)) {
        return {
          status: "present",
          detail: `${path} already lists ${name} in ${section} (${String(block[name])})`,
        };
      }
    }
    const dependencies = doc.dependencies as Json | undefined;
    if (dependencies !== undefined && (typeof dependencies !== "object" || Array.isArray(dependencies))) {
      return { status: "unsupported", reason: `${path}: "dependencies" is not an object` };
    }

    // A package that only devDependencies lists is missing from production installs (npm ci --omit=dev):
    // reuse the range the project already chose for it.
    const devRange = (doc.devDependencies as Json | undefined)?.[name];
    let range: string;
    let note: string | undefined;
    if (typeof devRange === "string") {
      range = devRange;
      note = `${name} was only in devDependencies (${devRange}); production installs omit those`;
    } else {
      const ranges = Object.values(dependencies ?? (doc.devDependencies as Json | undefined) ?? {}).filter(
        (v): v is string => typeof v === "string",
      );
      const style = dominantStyle(
        ranges.map(rangeStyle).filter((s): s is PinStyle => s !== null),
        "caret",
      );
      const prefix = style === "tilde" ? "~" : style === "exact" ? "" : "^";
      // Asking no registry: "*" (any version) is npm's unpinned range.
      range = versions.unpinned ? "*" : await pinSpec(versions, "npm", name, prefix);
    }

    const eol = detectEol(text);
    const indent = detectIndent(text);
    const entry = `${JSON.stringify(name)}: ${JSON.stringify(range)}`;
    const root = members(text, text.indexOf("{"));
    const existing = root.members.find((m) => m.key === "dependencies");
    let after: string;
    if (existing) {
      const block = members(text, existing.valueStart);
      const inner = `${indent}${indent}`;
      const multiline = text.slice(existing.valueStart, existing.valueEnd).includes("\n");
      const keys = block.members.map((m) => m.key);
      // npm writes dependencies sorted with localeCompare("en"); keep a sorted block sorted.
      const sorted = keys.every((k, i) => i === 0 || keys[i - 1]!.localeCompare(k, "en") <= 0);
      const before = sorted ? block.members.find((m) => m.key.localeCompare(name, "en") > 0) : undefined;
      if (block.members.length === 0) {
        const body =
          multiline || text.slice(root.open, root.close).includes("\n")
            ? `${eol}${inner}${entry}${eol}${indent}`
            : entry;
        after = text.slice(0, existing.valueStart + 1) + body + text.slice(existing.valueEnd - 1);
      } else if (before) {
        const sep = multiline ? `,${eol}${inner}` : ", ";
        after = text.slice(0, before.keyStart) + entry + sep + text.slice(before.keyStart);
      } else {
        const last = block.members[block.members.length - 1]!;
        const sep = multiline ? `,${eol}${inner}` : ", ";
        after = text.slice(0, last.valueEnd) + sep + entry + text.slice(last.valueEnd);
      }
    } else {
      // No dependencies object: add one as the last top-level key.
      const last = root.members[root.members.length - 1];
      const block = `${JSON.stringify("dependencies")}: {${eol}${indent}${indent}${entry}${eol}${indent}}`;
      after = last
        ? text.slice(0, last.valueEnd) + `,${eol}${indent}${block}` + text.slice(last.valueEnd)
        : text.slice(0, root.open + 1) + `${eol}${indent}${block}${eol}` + text.slice(root.close);
    }
    prove(path, doc, after, name, range);
    return { status: "patched", text: after, added: `"${name}": "${range}"`, ...(note ? { note } : {}) };
  },
};

function parseJson(text: string, path: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${path} is not a JSON object`);
  return doc as Json;
}

function rangeStyle(range: string): PinStyle | null {
  if (range.startsWith("^")) return "caret";
  if (range.startsWith("~")) return "tilde";
  if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) return "exact";
  return null;
}

/** The indentation unit of the file (two spaces, four spaces, a tab, ...), from the first indented key. */
function detectIndent(text: string): string {
  return /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
}

/** The members of the JSON object starting at `open` ('{'), with spans; strings are skipped correctly. */
function members(text: string, open: number): { open: number; close: number; members: Member[] } {
  if (text[open] !== "{") throw new Error(`package.json: expected an object at offset ${open}`);
  const out: Member[] = [];
  let p = skipWs(text, open + 1);
  if (text[p] === "}") return { open, close: p, members: out };
  for (;;) {
    const keyStart = p;
    const keyEnd = skipString(text, p);
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    p = skipWs(text, keyEnd);
    p = skipWs(text, p + 1); // ':'
    const valueStart = p;
    const valueEnd = skipValue(text, p);
    out.push({ key, keyStart, valueStart, valueEnd });
    p = skipWs(text, valueEnd);
    if (text[p] === "}") return { open, close: p, members: out };
    p = skipWs(text, p + 1); // ','
  }
}

function skipWs(text: string, p: number): number {
  while (p < text.length && /\s/.test(text[p]!)) p++;
  return p;
}

function skipString(text: string, p: number): number {
  let q = p + 1;
  while (q < text.length && text[q] !== '"') q += text[q] === "\\" ? 2 : 1;
  return q + 1;
}

function skipValue(text: string, p: number): number {
  const c = text[p];
  if (c === '"') return skipString(text, p);
  if (c === "{" || c === "[") {
    let depth = 0;
    let q = p;
    while (q < text.length) {
      const d = text[q];
      if (d === '"') {
        q = skipString(text, q);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      if (d === "}" || d === "]") depth--;
      q++;
      if (depth === 0) return q;
    }
    return q;
  }
  let q = p;
  while (q < text.length && !/[\s,}\]]/.test(text[q]!)) q++;
  return q;
}

/** JSON.parse proof: the result equals the old document plus exactly one key, in the same key order. */
function prove(path: string, before: Json, afterText: string, name: string, range: string): void {
  let after: Json;
  try {
    after = JSON.parse(afterText) as Json;
  } catch (error) {
    throw new PatchProofError(path, `the result is not valid JSON (${(error as Error).message})`);
  }
  const deps = after.dependencies as Json | undefined;
  if (deps?.[name] !== range)
    throw new PatchProofError(path, `dependencies.${name} is not ${range} after the edit`);
  delete deps[name];
  if (!before.dependencies && Object.keys(deps).length === 0) delete after.dependencies;
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    throw new PatchProofError(path, "JSON.parse shows changes besides the new dependency");
  }
}
