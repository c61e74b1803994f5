import { posix } from "node:path";
import { parseDockerfile, finalStageChain, type DockerStage } from "./dockerfile-syntax.js";

/** A requirements file that a Dockerfile installs with `pip install -r`, as a build-context path. */
export interface PipRequirementsFile {
  /** Path relative to the build context. */
  path: string;
  /** True when a COPY/ADD of the stage names the file explicitly (so creating it would take effect). */
  copied: boolean;
}

/**
 * The requirements files `pip install -r FILE` (also `pip3`, `python -m pip`, `uv pip`) reads, mapped
 * from container paths back to build-context paths through WORKDIR and COPY. Stages of the final
 * image come first, then the other stages (a builder stage often installs into a venv).
 */
export function pipRequirementFiles(dockerfile: string): PipRequirementsFile[] {
  const file = parseDockerfile(dockerfile);
  const chain = finalStageChain(file);
  const ordered = [...chain, ...file.stages.filter((s) => !chain.includes(s))];
  const out: PipRequirementsFile[] = [];
  for (const stage of ordered) {
    for (const found of stageRequirements(stage)) {
      if (!out.some((o) => o.path === found.path)) out.push(found);
    }
  }
  return out;
}

function stageRequirements(stage: DockerStage): PipRequirementsFile[] {
  const out: PipRequirementsFile[] = [];
  let workdir = "/";
  const copies: Copy[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword === "WORKDIR") workdir = posix.resolve(workdir, unquote(ins.args.trim()));
    if (ins.keyword === "COPY" || ins.keyword === "ADD") {
      const tokens = ins.args.split(/\s+/).filter((t) => t.length > 0);
      if (tokens.some((t) => t.startsWith("--from="))) continue; // not from the build context
      const paths = tokens.filter((t) => !t.startsWith("--")).map(unquote);
      if (paths.length < 2) continue;
      const dest = paths[paths.length - 1]!;
      const resolved = posix.resolve(workdir, dest);
      const sources = paths.slice(0, -1);
      // Docker copies into a folder when the destination ends with '/', is the WORKDIR, or takes several sources.
      const intoFolder = dest.endsWith("/") || resolved === workdir || dest === "." || sources.length > 1;
      copies.push({ sources, dest: resolved, intoFolder });
    }
    if (ins.keyword !== "RUN") continue;
    for (const containerPath of requirementArgs(ins.args)) {
      const absolute = posix.resolve(workdir, containerPath);
      const mapped = mapToContext(absolute, copies);
      if (mapped) out.push(mapped);
      else {
        // No COPY names it (e.g. `COPY . .`): the path relative to WORKDIR is the context path.
        const relative = workdir === "/" ? absolute.slice(1) : posix.relative(workdir, absolute);
        if (!relative.startsWith("..")) out.push({ path: posix.normalize(relative), copied: false });
      }
    }
  }
  return out;
}

/** The `-r` arguments of pip installs in a RUN line. */
export function requirementArgs(run: string): string[] {
  const out: string[] = [];
  for (const segment of run.split(/&&|\|\||;|\n/)) {
    const tokens = segment.trim().split(/\s+/);
    const pip = tokens.findIndex((t) => /(^|\/)pip[0-9.]*$/.test(t) || t === "pip");
    if (pip === -1 || !tokens.slice(pip + 1).includes("install")) continue;
    for (let i = pip + 1; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === "-r" || t === "--requirement") {
        if (tokens[i + 1]) out.push(unquote(tokens[i + 1]!));
        i++;
      } else if (t.startsWith("--requirement=")) out.push(unquote(t.slice("--requirement=".length)));
      else if (/^-r[^-]/.test(t)) out.push(unquote(t.slice(2)));
    }
  }
  return out;
}

interface Copy {
  sources: string[];
  dest: string;
  intoFolder: boolean;
}

function mapToContext(absolute: string, copies: Copy[]): PipRequirementsFile | null {
  for (const { sources, dest, intoFolder } of [...copies].reverse()) {
    for (const source of sources) {
      const src = posix.normalize(source.replace(/^\.\//, "")).replace(/\/$/, "");
      const sourceIsFolder = src === "." || source.endsWith("/");
      if (!sourceIsFolder && !intoFolder && dest === absolute) return { path: src, copied: true };
      if (!sourceIsFolder && intoFolder && posix.join(dest, posix.basename(src)) === absolute) {
        return { path: src, copied: true };
      }
      // `COPY requirements/ /app/requirements/` or `COPY . /app`: a folder copy.
      const folder = dest;
      if (sourceIsFolder && absolute.startsWith(`${folder}/`)) {
        const rest = absolute.slice(folder.length + 1);
        const path = src === "." ? rest : posix.join(src, rest);
        return { path, copied: src !== "." };
      }
    }
  }
  return null;
}

function unquote(s: string): string {
  return s.replace(/^(["'])(.*)\1$/, "$2");
}
