/**
 * Reading README.md for its test: the fenced blocks marked `sh runnable` / `sh checked`, the
 * environment table, and the environment variables the code reads.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface MarkedBlock {
  kind: "runnable" | "checked";
  /** 1-based line of the opening fence, for messages. */
  line: number;
  body: string;
}

/** Every fenced block whose info string is `sh runnable` or `sh checked`, in order. */
export function markedBlocks(markdown: string): MarkedBlock[] {
  const blocks: MarkedBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```sh (runnable|checked)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: the block is not closed`);
    blocks.push({
      kind: open[1] as MarkedBlock["kind"],
      line: i + 1,
      body: lines.slice(i + 1, end).join("\n"),
    });
    i = end;
  }
  return blocks;
}

export interface CommandLine {
  line: string;
  program: "orchestrator" | "orchestrator-runner" | "npm";
  /** The subcommand (`deploy`, `run`, `start`, ...), or null for `orchestrator --version`. */
  sub: string | null;
  /** For npm run: the script; for the CLIs: the `--flags` used, without values. */
  words: string[];
}

/** The orchestrator, orchestrator-runner and npm commands of a block (comments and `npx ` dropped). */
export function commandsOf(body: string): CommandLine[] {
  const found: CommandLine[] = [];
  for (const raw of body.split("\n")) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    const words = line.split(/\s+/).filter(Boolean);
    if (words[0] === "npx") words.shift();
    const program = words[0];
    if (program === "orchestrator" || program === "orchestrator-runner") {
      const sub = words[1] && !words[1].startsWith("-") ? words[1] : null;
      const flags = words.filter((w) => /^--[a-z]/.test(w)).map((w) => w.split("=")[0]!);
      found.push({ line, program, sub, words: flags });
    } else if (program === "npm") {
      const sub = words[1] ?? null;
      found.push({ line, program, sub, words: sub === "run" ? [words[2] ?? ""] : [] });
    }
  }
  return found;
}

export interface EnvRow {
  names: string[];
  readBy: string;
  defaultValue: string;
}

/** The table under `## Environment variables`: every backticked name of the first column. */
export function envTable(markdown: string): EnvRow[] {
  const section = markdown.split(/^## Environment variables$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error("README.md has no '## Environment variables' section");
  const rows: EnvRow[] = [];
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const cells = line.split("|").map((c) => c.trim());
    const names = [...cells[1]!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
    rows.push({ names, readBy: cells[2]!, defaultValue: cells[3]! });
  }
  return rows;
}

function sourceFiles(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path, ext));
    else if (ext.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Environment variables read in the given trees, with the first file reading each: `env.NAME`
 * (upper case, or npm/pip's lower-case `npm_config_*` / `pip_*` forms), `env["NAME"]`, and a
 * `*_ENV = "NAME"` constant used as a key.
 */
export function envReads(roots: string[], ext = /\.ts$/): Map<string, string> {
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]*|npm_config_[a-z_]+|pip_[a-z_]+)\b/g,
    /\benv\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]/g,
    /_ENV\s*=\s*"([A-Z][A-Z0-9_]*)"/g,
  ];
  const found = new Map<string, string>();
  for (const root of roots)
    for (const file of sourceFiles(root, ext)) {
      const text = readFileSync(file, "utf8");
      for (const pattern of patterns)
        for (const match of text.matchAll(pattern)) if (!found.has(match[1]!)) found.set(match[1]!, file);
    }
  return found;
}
