import { parse as parseToml } from "smol-toml";
import { pinSpec } from "../versions.js";
import {
  PatchProofError,
  dominantStyle,
  isSorted,
  normalizePythonName,
  type DependencyRequest,
  type PatchContext,
  type Patcher,
  type PatchOutcome,
  type PinStyle,
} from "../patcher.js";
import { detectEol, leadingWhitespace, type Eol } from "../text.js";
import { arrayElements, endOfLine, findTable, stringValue, type TableSpan } from "../toml-spans.js";

const PEP508_NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*([^;]*)/;

type Toml = Record<string, unknown>;

export const pyprojectPatcher: Patcher = {
  name: "pyproject",
  description: "pyproject.toml: PEP 621 [project] dependencies or Poetry [tool.poetry.dependencies]",
  kinds: ["python_module"],
  // After the requirements files the Dockerfile installs, before a lone requirements.txt.
  async candidates({ inFolder, has }) {
    const pyproject = inFolder("pyproject.toml");
    return has(pyproject)
      ? [{ path: pyproject, exists: true, why: `${pyproject} declares the dependencies`, rank: 2 }]
      : [];
  },
  lockFiles: ["poetry.lock"],
  allow: ["pyproject.toml"],
  matches: (path) => /(^|\/)pyproject\.toml$/.test(path),
  dependencies: (text) => declared(parse(text, "pyproject.toml")),
  sameName: (a, b) => normalizePythonName(a) === normalizePythonName(b),

  async apply(text, dependency, context): Promise<PatchOutcome> {
    const { path } = context;
    const doc = parse(text, path);
    const wanted = normalizePythonName(dependency.name);
    const present = declared(doc).find((n) => normalizePythonName(n) === wanted);
    if (present) return { status: "present", detail: `${path} already declares ${present}` };

    const project = doc.project as Toml | undefined;
    const poetryDeps = ((doc.tool as Toml | undefined)?.poetry as Toml | undefined)?.dependencies;
    if (Array.isArray(project?.dynamic) && project.dynamic.includes("dependencies") && !poetryDeps) {
      return {
        status: "unsupported",
        reason: `${path} declares its dependencies as dynamic (project.dynamic); they come from another file`,
      };
    }
    let result: { text: string; added: string };
    if (Array.isArray(project?.dependencies)) result = await addToPep621(text, dependency, context);
    else if (poetryDeps && typeof poetryDeps === "object")
      result = await addToPoetry(text, dependency, context);
    else if (project) result = await addPep621Key(text, dependency, context);
    else {
      return {
        status: "unsupported",
        reason: `${path} has neither a [project] table nor [tool.poetry.dependencies]`,
      };
    }
    prove(path, doc, parse(result.text, path), dependency.name);
    return { status: "patched", ...result };
  },
};

function parse(text: string, path: string): Toml {
  try {
    return parseToml(text) as Toml;
  } catch (error) {
    throw new Error(`${path} is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** Names declared in [project].dependencies and [tool.poetry.dependencies] (without `python`). */
function declared(doc: Toml): string[] {
  const names: string[] = [];
  const project = doc.project as Toml | undefined;
  if (Array.isArray(project?.dependencies)) {
    for (const req of project.dependencies) {
      const name = typeof req === "string" ? PEP508_NAME.exec(req)?.[1] : undefined;
      if (name) names.push(name);
    }
  }
  const poetry = ((doc.tool as Toml | undefined)?.poetry as Toml | undefined)?.dependencies;
  if (poetry && typeof poetry === "object") names.push(...Object.keys(poetry).filter((k) => k !== "python"));
  return names;
}

function pep508Style(req: string): PinStyle | null {
  const spec = (PEP508_NAME.exec(req)?.[2] ?? "").trim();
  if (spec === "") return "bare";
  if (/^==[^=]/.test(spec) && !spec.includes(",")) return "exact";
  if (spec.startsWith(">=")) return "gte";
  if (spec.startsWith("~=")) return "compatible";
  return null;
}

const PEP440_OPERATOR: Partial<Record<PinStyle, string>> = { exact: "==", gte: ">=", compatible: "~=" };

async function pep508(name: string, style: PinStyle, context: PatchContext): Promise<string> {
  const op = PEP440_OPERATOR[style];
  return op ? `${name}${await pinSpec(context.versions, "pypi", name, op)}` : name;
}

async function addToPep621(text: string, dependency: DependencyRequest, context: PatchContext) {
  const table = requireTable(text, "project", context.path);
  const entry = table.entries.find((e) => e.key === "dependencies")!;
  const { elements, close } = arrayElements(text, entry.valueStart);
  const values = elements.map((e) => stringValue(text.slice(e.start, e.end)) ?? "");
  const style = dominantStyle(
    values.map(pep508Style).filter((s): s is PinStyle => s !== null),
    "bare",
  );
  const added = await pep508(dependency.name, style, context);
  const quote = text[elements[0]?.start ?? -1] === "'" ? "'" : '"';
  const literal = `${quote}${added}${quote}`;
  const names = values.map((v) => PEP508_NAME.exec(v)?.[1] ?? v);
  const eol = detectEol(text);
  const insertAt = isSorted(names, normalizePythonName)
    ? names.findIndex((n) => normalizePythonName(n) > normalizePythonName(dependency.name))
    : -1;
  return { text: insertIntoArray(text, entry.valueStart, close, elements, insertAt, literal, eol), added };
}

/** Inserts `literal` before element `index` (or at the end when -1), in the array's own layout. */
function insertIntoArray(
  text: string,
  open: number,
  close: number,
  elements: { start: number; end: number; comma: number | null }[],
  index: number,
  literal: string,
  eol: Eol,
): string {
  const multiline = text.slice(open, close).includes("\n");
  const splice = (at: number, insert: string) => text.slice(0, at) + insert + text.slice(at);
  if (elements.length === 0) {
    return multiline ? splice(open + 1, `${eol}    ${literal},`) : splice(open + 1, literal);
  }
  const lineStart = (p: number) => text.lastIndexOf("\n", p - 1) + 1;
  if (index !== -1) {
    const next = elements[index]!;
    const start = lineStart(next.start);
    // One element per line: a new line above it; otherwise insert inline before it.
    if (multiline && text.slice(start, next.start).trim() === "") {
      return splice(start, `${leadingWhitespace(text.slice(start))}${literal},${eol}`);
    }
    return splice(next.start, `${literal}, `);
  }
  const last = elements[elements.length - 1]!;
  const lastLineEnd = endOfLine(text, last.comma ?? last.end);
  if (multiline && lastLineEnd <= close) {
    const indent = leadingWhitespace(text.slice(lineStart(last.start)));
    if (last.comma !== null) return splice(lastLineEnd, `${indent}${literal},${eol}`);
    // No trailing comma style: the last element gets one, the new last element does not.
    const withComma = splice(last.end, ",");
    return (
      withComma.slice(0, lastLineEnd + 1) + `${indent}${literal}${eol}` + withComma.slice(lastLineEnd + 1)
    );
  }
  if (last.comma !== null) return splice(last.comma + 1, ` ${literal},`);
  return splice(last.end, `, ${literal}`);
}

async function addPep621Key(text: string, dependency: DependencyRequest, context: PatchContext) {
  const table = requireTable(text, "project", context.path);
  const added = dependency.name;
  const anchor = table.entries[table.entries.length - 1];
  const at = anchor ? endOfLine(text, anchor.valueEnd) : table.bodyStart;
  const eol = detectEol(text);
  const prefix = at === text.length && !text.endsWith("\n") ? eol : "";
  const line = `${prefix}dependencies = ["${added}"]${eol}`;
  return { text: text.slice(0, at) + line + text.slice(at), added };
}

function poetryStyle(value: string): PinStyle | null {
  const v = value.trim();
  if (v === "*" || v === "") return "bare";
  if (v.startsWith("^")) return "caret";
  if (v.startsWith("~=")) return "compatible";
  if (v.startsWith("~")) return "tilde";
  if (v.startsWith(">=")) return "gte";
  if (/^=?=?\d/.test(v) && !v.includes(",")) return "exact";
  return null;
}

const POETRY_PREFIX: Record<PinStyle, string> = {
  caret: "^",
  tilde: "~",
  gte: ">=",
  exact: "",
  compatible: "~=",
  bare: "",
};

async function addToPoetry(text: string, dependency: DependencyRequest, context: PatchContext) {
  const table = requireTable(text, "tool.poetry.dependencies", context.path);
  const entries = table.entries.filter((e) => e.key !== "python");
  const styles = entries
    .map((e) => {
      const raw = text.slice(e.valueStart, e.valueEnd);
      const version = raw.startsWith("{") ? /version\s*=\s*(["'][^"']*["'])/.exec(raw)?.[1] : raw;
      const value = version ? stringValue(version) : null;
      return value === null ? null : poetryStyle(value);
    })
    .filter((s): s is PinStyle => s !== null);
  // `poetry add` writes a caret constraint; follow that when the file shows no style of its own.
  const style = dominantStyle(styles, "caret");
  const version =
    style === "bare" || context.versions.unpinned
      ? "*"
      : await pinSpec(context.versions, "pypi", dependency.name, POETRY_PREFIX[style]);
  const key = /^[A-Za-z0-9_-]+$/.test(dependency.name) ? dependency.name : `"${dependency.name}"`;
  const sample = entries[0] ?? table.entries[0];
  const separator = sample
    ? text.slice(sample.keyStart, sample.valueStart).replace(/^[^=\s]+|^"[^"]*"/, "")
    : " = ";
  const line = `${key}${separator}"${version}"`;
  const eol = detectEol(text);

  const names = entries.map((e) => e.key);
  const nextIndex = isSorted(names, normalizePythonName)
    ? entries.findIndex((e) => normalizePythonName(e.key) > normalizePythonName(dependency.name))
    : -1;
  let at: number;
  if (nextIndex !== -1) at = text.lastIndexOf("\n", entries[nextIndex]!.keyStart - 1) + 1;
  else {
    const anchor = table.entries[table.entries.length - 1];
    at = anchor ? endOfLine(text, anchor.valueEnd) : table.bodyStart;
  }
  const indent = sample ? leadingWhitespace(text.slice(text.lastIndexOf("\n", sample.keyStart - 1) + 1)) : "";
  const prefix = at === text.length && !text.endsWith("\n") ? eol : "";
  const suffix = prefix ? "" : eol;
  return {
    text: text.slice(0, at) + prefix + indent + line + suffix + text.slice(at),
    added: `${dependency.name} = "${version}"`,
  };
}

function requireTable(text: string, name: string, path: string): TableSpan {
  const table = findTable(text, name);
  if (!table) throw new Error(`${path}: could not locate [${name}] in the text`);
  return table;
}

/** The edit is accepted only if the parsed document equals the old one plus exactly the new dependency. */
function prove(path: string, before: Toml, after: Toml, name: string): void {
  const wanted = normalizePythonName(name);
  const copy = structuredClone(after) as Toml;
  const project = copy.project as Toml | undefined;
  let found = 0;
  if (Array.isArray(project?.dependencies)) {
    const kept = project.dependencies.filter(
      (d) => !(typeof d === "string" && normalizePythonName(PEP508_NAME.exec(d)?.[1] ?? "") === wanted),
    );
    found += project.dependencies.length - kept.length;
    project.dependencies = kept;
    if (kept.length === 0 && !Array.isArray((before.project as Toml | undefined)?.dependencies))
      delete project.dependencies;
  }
  const poetry = ((copy.tool as Toml | undefined)?.poetry as Toml | undefined)?.dependencies as
    Toml | undefined;
  if (poetry) {
    for (const key of Object.keys(poetry)) {
      if (normalizePythonName(key) === wanted) {
        delete poetry[key];
        found++;
      }
    }
  }
  if (found !== 1) throw new PatchProofError(path, `re-parsing finds ${name} ${found} times instead of once`);
  if (JSON.stringify(copy) !== JSON.stringify(before)) {
    throw new PatchProofError(path, "re-parsing shows changes besides the new dependency");
  }
}
