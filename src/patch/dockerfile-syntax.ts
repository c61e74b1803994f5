import { splitLines, type Line } from "./text.js";

/**
 * A Dockerfile reader that keeps physical line numbers, so that patches can insert whole lines between
 * instructions without re-serialising anything. It follows BuildKit's rules for parser directives
 * (`# escape=`), line continuations (comment and blank lines inside them are skipped) and heredocs.
 */

export interface DockerInstruction {
  /** Upper-cased keyword (`RUN`, `FROM`, ...). */
  keyword: string;
  /** The keyword as written (to follow a file's lowercase style). */
  rawKeyword: string;
  /** Arguments of the logical line: continuations joined by a space, heredoc bodies appended. */
  args: string;
  /** Physical line indexes, inclusive. */
  startLine: number;
  endLine: number;
}

export interface DockerStage {
  index: number;
  /** The FROM image after ARG substitution (may name an earlier stage). */
  image: string;
  alias: string | null;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  lines: Line[];
  escape: string;
  instructions: DockerInstruction[];
  stages: DockerStage[];
  /** ARGs declared before the first FROM, with their defaults (used in FROM lines). */
  globalArgs: Map<string, string | undefined>;
}

const DIRECTIVE = /^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export function parseDockerfile(text: string): Dockerfile {
  const lines = splitLines(text);
  let escape = "\\";
  let i = 0;
  // Parser directives only count at the very top, before any comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const match = DIRECTIVE.exec(lines[i]!.text);
    if (!match) break;
    if (match[1]!.toLowerCase() === "escape") {
      if (match[2] !== "\\" && match[2] !== "`")
        throw new Error(`Dockerfile: invalid escape directive '${match[2]}'`);
      escape = match[2];
    }
  }

  const instructions: DockerInstruction[] = [];
  for (; i < lines.length; i++) {
    const first = lines[i]!.text;
    if (first.trim() === "" || first.trimStart().startsWith("#")) continue;
    const startLine = i;
    const pieces: string[] = [];
    let current = first;
    for (;;) {
      const trimmed = current.replace(/[ \t]+$/, "");
      if (!trimmed.endsWith(escape) || i + 1 >= lines.length) {
        pieces.push(trimmed.endsWith(escape) && i + 1 >= lines.length ? trimmed.slice(0, -1) : trimmed);
        break;
      }
      pieces.push(trimmed.slice(0, -1));
      i++;
      // Comment and empty lines inside a continuation are dropped by the builder.
      while (
        i + 1 < lines.length &&
        (lines[i]!.text.trim() === "" || lines[i]!.text.trimStart().startsWith("#"))
      )
        i++;
      current = lines[i]!.text;
    }
    let logical = pieces
      .map((p, n) => (n === 0 ? p : p.trimStart()))
      .join(" ")
      .trim();
    const match = /^(\S+)\s*(.*)$/s.exec(logical);
    const rawKeyword = match?.[1] ?? logical;
    const keyword = rawKeyword.toUpperCase();
    let args = match?.[2] ?? "";

    if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
      for (const doc of [...args.matchAll(HEREDOC)]) {
        const dash = doc[1] === "-";
        const word = doc[3]!;
        const body: string[] = [];
        while (i + 1 < lines.length) {
          i++;
          const text = lines[i]!.text;
          if ((dash ? text.replace(/^\t+/, "") : text) === word) break;
          body.push(text);
        }
        args += `\n${body.join("\n")}`;
      }
    }
    logical = args;
    instructions.push({ keyword, rawKeyword, args: logical, startLine, endLine: i });
  }

  const globalArgs = new Map<string, string | undefined>();
  const stages: DockerStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const { image, alias } = parseFrom(ins.args, globalArgs);
      stages.push({ index: stages.length, image, alias, instructions: [ins] });
    } else if (stages.length === 0) {
      if (ins.keyword === "ARG") {
        for (const [name, value] of parseArgDecls(ins.args)) globalArgs.set(name, value);
      }
    } else {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return { lines, escape, instructions, stages, globalArgs };
}

function parseFrom(
  args: string,
  globalArgs: Map<string, string | undefined>,
): { image: string; alias: string | null } {
  const tokens = args.split(/\s+/).filter((t) => t.length > 0 && !t.startsWith("--"));
  const image = substitute(tokens[0] ?? "", globalArgs);
  const alias = tokens[1]?.toLowerCase() === "as" && tokens[2] ? tokens[2].toLowerCase() : null;
  return { image, alias };
}

/** `ARG A=1 B` -> [[A, "1"], [B, undefined]] (quotes removed). */
export function parseArgDecls(args: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const token of args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
    const eq = token.indexOf("=");
    if (eq === -1) out.push([token, undefined]);
    else out.push([token.slice(0, eq), token.slice(eq + 1).replace(/^(["'])(.*)\1$/, "$2")]);
  }
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` with ARG defaults; unknown variables become "". */
export function substitute(value: string, vars: Map<string, string | undefined>): string {
  return value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (...m) => {
      const name = (m[1] ?? m[4]) as string;
      const op = m[2] as string | undefined;
      const word = (m[3] as string | undefined) ?? "";
      const set = vars.get(name);
      if (op === "-") return set ? set : word;
      if (op === "+") return set ? word : "";
      return set ?? "";
    },
  );
}

/**
 * The chain of stages the final image is built from: the last stage, then the stage its FROM names,
 * and so on (`FROM base AS app` after `FROM python:3.12 AS base`).
 */
export function finalStageChain(file: Dockerfile): DockerStage[] {
  const chain: DockerStage[] = [];
  let stage = file.stages[file.stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const parentName = stage.image.toLowerCase();
    stage = file.stages
      .slice(0, stage.index)
      .reverse()
      .find((s) => s.alias === parentName);
  }
  return chain;
}
