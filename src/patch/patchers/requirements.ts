import { pipRequirementFiles } from "../dockerfile-pip.js";
import { pinSpec } from "../versions.js";
import {
  PatchProofError,
  dominantStyle,
  isSorted,
  normalizePythonName,
  type Candidate,
  type Patcher,
  type PatchOutcome,
  type PinStyle,
} from "../patcher.js";
import { detectEol, insertLines, splitLines, type Line } from "../text.js";

/** One logical line of a pip requirements file (backslash continuations joined). */
export interface RequirementLine {
  kind: "requirement" | "option" | "blank";
  /** Distribution name when known (requirements, `-e ...#egg=name`). */
  name: string | null;
  style: PinStyle | "other" | null;
  /** The logical text without the comment. */
  text: string;
  hashes: boolean;
  startLine: number;
  endLine: number;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

export function parseRequirements(text: string): { lines: Line[]; entries: RequirementLine[] } {
  const lines = splitLines(text);
  const entries: RequirementLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const startLine = i;
    let logical = stripComment(lines[i]!.text);
    while (logical.endsWith("\\") && i + 1 < lines.length) {
      i++;
      logical = `${logical.slice(0, -1)} ${stripComment(lines[i]!.text)}`;
    }
    const body = logical.trim();
    const hashes = /(^|\s)--hash[=\s]/.test(body);
    const base = { text: body, hashes, startLine, endLine: i };
    if (body === "") {
      entries.push({ kind: "blank", name: null, style: null, ...base });
    } else if (body.startsWith("-")) {
      const egg = /#egg=([A-Za-z0-9._-]+)/.exec(
        lines
          .slice(startLine, i + 1)
          .map((l) => l.text)
          .join(" "),
      );
      const editable = /^(-e|--editable)\b/.test(body);
      entries.push({
        kind: editable ? "requirement" : "option",
        name: egg?.[1] ?? null,
        style: null,
        ...base,
      });
    } else if (/^[a-z][a-z0-9+.-]*:\/\/|^[./]/i.test(body)) {
      const egg = /#egg=([A-Za-z0-9._-]+)/.exec(lines[startLine]!.text);
      entries.push({ kind: "requirement", name: egg?.[1] ?? null, style: null, ...base });
    } else {
      const match = NAME.exec(body);
      const spec = (match?.[3] ?? "").split(";")[0]!.trim();
      entries.push({ kind: "requirement", name: match?.[1] ?? null, style: styleOf(spec), ...base });
    }
  }
  return { lines, entries };
}

/** pip treats `#` as a comment at the line start or after whitespace (a URL fragment `#egg=` is not one). */
function stripComment(line: string): string {
  const match = /(^|\s)#/.exec(line);
  return match ? line.slice(0, match.index) : line;
}

function styleOf(spec: string): PinStyle | "other" {
  if (spec === "" || spec.startsWith("@")) return "bare";
  if (/^==[^=]/.test(spec) && !spec.includes(",")) return "exact";
  if (spec.startsWith(">=")) return "gte";
  if (spec.startsWith("~=")) return "compatible";
  return "other";
}

const OPERATOR: Partial<Record<PinStyle, string>> = { exact: "==", gte: ">=", compatible: "~=" };

export const requirementsPatcher: Patcher = {
  name: "requirements",
  description: "pip requirements files: appends the distribution in the file's pinning style and order",
  kinds: ["python_module"],
  /** The files the Dockerfile installs with `pip install -r` (rank 0, or 1 for one it copies but that is missing), then requirements.txt (rank 3). */
  async candidates({ dockerfile, inFolder, has, read }) {
    const text = has(dockerfile) ? await read(dockerfile) : null;
    const installed = text === null ? [] : pipRequirementFiles(text);
    const found: Candidate[] = installed
      .filter((file) => has(inFolder(file.path)))
      .map((file) => ({
        path: inFolder(file.path),
        exists: true,
        why: `${dockerfile} installs it with pip install -r ${file.path}`,
        rank: 0,
      }));
    const copied = installed.find((f) => f.copied && !has(inFolder(f.path)));
    if (copied)
      found.push({
        path: inFolder(copied.path),
        exists: false,
        why: `${dockerfile} copies and installs ${copied.path}, which does not exist yet`,
        rank: 1,
      });
    const requirements = inFolder("requirements.txt");
    if (has(requirements))
      found.push({
        path: requirements,
        exists: true,
        why: `${requirements} lists the dependencies`,
        rank: 3,
      });
    return found;
  },
  noCandidate: ({ folder }) =>
    `no requirements file the Dockerfile installs, no pyproject.toml and no requirements.txt in ${folder || "(repository root)"}; orchestrator does not invent a dependency file`,
  lockFiles: [],
  // `pip install -r requirements/prod.txt` layouts keep their files in a folder.
  allow: ["requirements*.txt", "requirements/**/*.txt"],
  matches: (path) => /(^|\/)([^/]*requirements[^/]*|requirements\/[^/]+)\.(txt|in)$/i.test(path),
  dependencies: (text) =>
    parseRequirements(text)
      .entries.map((e) => e.name)
      .filter((n): n is string => n !== null),
  sameName: (a, b) => normalizePythonName(a) === normalizePythonName(b),

  async apply(text, dependency, { versions, path }): Promise<PatchOutcome> {
    const { lines, entries } = parseRequirements(text);
    const wanted = normalizePythonName(dependency.name);
    const existing = entries.find((e) => e.name !== null && normalizePythonName(e.name) === wanted);
    if (existing) return { status: "present", detail: `${path} already lists ${existing.text}` };
    if (entries.some((e) => e.hashes)) {
      return {
        status: "unsupported",
        reason: `${path} pins every requirement with --hash; the hashes of ${dependency.name} cannot be computed offline, regenerate the file (pip-compile --generate-hashes)`,
      };
    }

    const requirements = entries.filter((e) => e.kind === "requirement");
    const styles = requirements.map((e) => e.style).filter((s): s is PinStyle => s !== null && s !== "other");
    const style = dominantStyle(styles, "bare");
    const operator = OPERATOR[style];
    const spec = operator ? await pinSpec(versions, "pypi", dependency.name, operator) : "";
    const added = `${dependency.name}${spec}`;

    const named = requirements.filter(
      (e): e is RequirementLine & { name: string } => e.name !== null && e.style !== null,
    );
    let offset = text.length;
    if (
      isSorted(
        named.map((e) => e.name),
        normalizePythonName,
      )
    ) {
      const next = named.find((e) => normalizePythonName(e.name) > wanted);
      offset = next
        ? lines[commentBlockStart(lines, next.startLine)]!.start
        : afterLine(lines, named[named.length - 1]!.endLine, text);
    } else if (requirements.length > 0) {
      offset = afterLine(lines, requirements[requirements.length - 1]!.endLine, text);
    }
    const after = insertLines(text, offset, [added], detectEol(text));
    prove(path, text, after, dependency.name);
    return { status: "patched", text: after, added };
  },
};

function afterLine(lines: Line[], index: number, text: string): number {
  return lines[index + 1]?.start ?? text.length;
}

function commentBlockStart(lines: Line[], index: number): number {
  let i = index;
  while (i > 0 && lines[i - 1]!.text.trimStart().startsWith("#")) i--;
  return i;
}

function prove(path: string, before: string, after: string, name: string): void {
  const key = (e: RequirementLine) => `${e.kind}:${e.text}`;
  const old = parseRequirements(before).entries.filter((e) => e.kind !== "blank");
  const now = parseRequirements(after).entries.filter((e) => e.kind !== "blank");
  const added = now.filter((e) => !old.some((o) => key(o) === key(e)));
  if (added.length !== 1 || normalizePythonName(added[0]!.name ?? "") !== normalizePythonName(name)) {
    throw new PatchProofError(
      path,
      `re-parsing shows ${added.map(key).join(", ") || "no new entry"} instead of ${name}`,
    );
  }
  if (now.length !== old.length + 1) throw new PatchProofError(path, "an existing line changed");
}
