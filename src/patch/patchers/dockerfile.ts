import { detectBase, effectiveUser, installLine, installedPackages, isRoot } from "../dockerfile-packages.js";
import { parseDockerfile, type Dockerfile, type DockerInstruction } from "../dockerfile-syntax.js";
import { PatchProofError, type Patcher, type PatchOutcome } from "../patcher.js";
import { detectEol, insertLines, leadingWhitespace } from "../text.js";

/** Instructions the install goes before when the final stage copies nothing. */
const RUNTIME_SETUP = new Set([
  "CMD",
  "ENTRYPOINT",
  "HEALTHCHECK",
  "EXPOSE",
  "STOPSIGNAL",
  "VOLUME",
  "ONBUILD",
]);

export const dockerfilePatcher: Patcher = {
  name: "dockerfile",
  description:
    "Dockerfile: installs a system package in the final stage (apt-get, apk or dnf to match the base)",
  kinds: ["system_package"],
  async candidates({ dockerfile, has }) {
    return has(dockerfile)
      ? [{ path: dockerfile, exists: true, why: `${dockerfile} builds the image`, rank: 0 }]
      : [];
  },
  noCandidate: ({ dockerfile }) => `the service's Dockerfile ${dockerfile} does not exist`,
  lockFiles: [],
  allow: ["Dockerfile", "Dockerfile.*"],
  matches: (path) => /(^|\/)(Dockerfile(\.[^/]+)?|[^/]+\.Dockerfile)$/i.test(path),
  dependencies: (text) => installedPackages(parseDockerfile(text)),
  sameName: (a, b) => a === b,

  async apply(text, dependency, { path }): Promise<PatchOutcome> {
    const file = parseDockerfile(text);
    let base;
    try {
      base = detectBase(file);
    } catch (error) {
      return { status: "unsupported", reason: `${path}: ${(error as Error).message}` };
    }
    const pkg = dependency.systemPackages ? dependency.systemPackages[base.family] : dependency.name;
    if (!pkg) {
      return {
        status: "unsupported",
        reason: `${path}: the final stage is ${base.family}-based (${base.evidence}) and no ${base.family} package is known for ${dependency.name}`,
      };
    }
    if (installedPackages(file).includes(pkg)) {
      return { status: "present", detail: `${path} already installs ${pkg} in the final stage` };
    }

    const stage = file.stages[file.stages.length - 1]!;
    let targetIndex = insertionIndex(stage.instructions);
    // Package managers need root. A non-root USER set earlier in this stage: install above it, where the
    // build still runs as root, so the image keeps the user its author chose without extra lines.
    // A non-root user inherited from a parent stage: switch to root for the install and back right after.
    const end = targetIndex === -1 ? stage.instructions.length : targetIndex;
    const userAt = lastIndexOf(stage.instructions.slice(0, end), (ins) => ins.keyword === "USER");
    if (userAt > 0 && !isRoot(effectiveUser(file, stage, end))) targetIndex = userAt;
    const target = stage.instructions[targetIndex];
    const eol = detectEol(text);
    const lower = prefersLowercase(file);
    const kw = (k: string) => (lower ? k.toLowerCase() : k);
    const indent = target ? leadingWhitespace(file.lines[target.startLine]!.text) : "";

    const lines = [`${indent}${kw("RUN")} ${installLine(base.tool, pkg)}`];
    const user = effectiveUser(file, stage, targetIndex === -1 ? stage.instructions.length : targetIndex);
    if (!isRoot(user)) {
      lines.unshift(`${indent}${kw("USER")} root`);
      lines.push(`${indent}${kw("USER")} ${user}`);
    }

    const offset = target ? file.lines[attachedCommentStart(file, target)]!.start : text.length;
    const after = insertLines(text, offset, lines, eol);
    prove(path, file, parseDockerfile(after), pkg, lines.length);
    const note = isRoot(user) ? undefined : `switches to USER root for the install and back to USER ${user}`;
    return {
      status: "patched",
      text: after,
      // The summary names the package, the tool and why that tool, never a whole RUN line.
      added: base.evidence.startsWith("RUN ")
        ? `${pkg} (${base.tool}, as the final stage already installs with it)`
        : `${pkg} (${base.tool}; ${base.evidence.replace(/\s+/g, " ")})`,
      ...(note ? { note } : {}),
    };
  },
};

function lastIndexOf<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/** Before the first COPY/ADD of the stage; else before the runtime setup (CMD, ...); else at the end. */
function insertionIndex(instructions: DockerInstruction[]): number {
  const copy = instructions.findIndex((ins, i) => i > 0 && (ins.keyword === "COPY" || ins.keyword === "ADD"));
  if (copy !== -1) return copy;
  const runtime = instructions.findIndex((ins, i) => i > 0 && RUNTIME_SETUP.has(ins.keyword));
  return runtime;
}

/** A comment block directly above an instruction belongs to it: insert above the comment. */
function attachedCommentStart(file: Dockerfile, target: DockerInstruction): number {
  let line = target.startLine;
  while (line > 0 && file.lines[line - 1]!.text.trimStart().startsWith("#")) {
    const previous = file.instructions.find((ins) => ins.startLine <= line - 1 && ins.endLine >= line - 1);
    if (previous) break; // a comment inside the previous instruction's continuation
    line--;
  }
  return line;
}

function prefersLowercase(file: Dockerfile): boolean {
  const lower = file.instructions.filter((ins) => ins.rawKeyword === ins.rawKeyword.toLowerCase()).length;
  return lower * 2 > file.instructions.length;
}

function prove(path: string, before: Dockerfile, after: Dockerfile, pkg: string, inserted: number): void {
  if (!installedPackages(after).includes(pkg)) {
    throw new PatchProofError(path, `the final stage still does not install ${pkg} after the edit`);
  }
  if (after.stages.length !== before.stages.length) {
    throw new PatchProofError(
      path,
      `the edit changed the number of stages (${before.stages.length} -> ${after.stages.length})`,
    );
  }
  const key = (ins: DockerInstruction) => `${ins.keyword} ${ins.args}`;
  const old = before.instructions.map(key);
  const now = after.instructions.map(key);
  if (now.length !== old.length + inserted) {
    throw new PatchProofError(
      path,
      `expected ${inserted} new instruction(s), found ${now.length - old.length}`,
    );
  }
  // Every old instruction must still be there, in order, unchanged.
  let j = 0;
  for (const ins of now) if (ins === old[j]) j++;
  if (j !== old.length) throw new PatchProofError(path, `an existing instruction changed: ${old[j]}`);
}
