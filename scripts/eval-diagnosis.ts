/**
 * Scores the diagnosis on the real-log corpus in test/fixtures/logs/: every fixture names its source and
 * the fix its thread confirmed (`# expect: <ecosystem> <package>[|<alternative>]` or `# expect: none`),
 * optionally a checkout under repos/ (`# repo: <name>`: manifests, Dockerfile). Prints a table per kind,
 * per ecosystem, and every miss; `npm run eval`. test/diagnose/eval.test.ts holds the bar.
 */
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { diagnoseLog } from "../src/diagnose/diagnose.js";
import { loadRepoContext } from "../src/diagnose/repo-context.js";
import type { Diagnosis } from "../src/diagnose/finding.js";

export const CORPUS_DIR = fileURLToPath(new URL("../test/fixtures/logs/", import.meta.url));

export type ExpectedEcosystem = "none" | "pypi" | "npm" | "debian" | "alpine";
export type CorpusKind = "python" | "node" | "system" | "look-alike";

export interface Fixture {
  file: string;
  source: string;
  ecosystem: ExpectedEcosystem;
  /** Accepted package names (alternatives the thread confirms); empty for `none`. */
  packages: string[];
  why: string;
  repo: string | null;
  /** The log without its header lines. */
  log: string;
  lines: number;
}

export interface Outcome {
  fixture: Fixture;
  kind: CorpusKind;
  right: boolean;
  /** A fix proposed where the thread says nothing should be added. */
  falseFix: boolean;
  /** A fix proposed with another package than the confirmed one. */
  wrongFix: boolean;
  got: string;
  diagnosis: Diagnosis;
}

const HEADER = /^# (source|expect|repo): (.*)$/;

export function parseFixture(file: string, text: string): Fixture {
  const lines = text.split("\n");
  const headers: Record<string, string> = {};
  let body = 0;
  while (body < lines.length && HEADER.test(lines[body]!)) {
    const [, key, value] = HEADER.exec(lines[body]!)!;
    headers[key!] = value!.trim();
    body++;
  }
  if (!headers.source) throw new Error(`${file}: the first line must be "# source: <url>"`);
  if (!headers.expect)
    throw new Error(`${file}: missing "# expect: <ecosystem> <package> — why" (or "none — why")`);
  const match = /^(none|pypi|npm|debian|alpine)(?:\s+([^\s—]+))?\s*(?:—\s*(.*))?$/.exec(headers.expect);
  if (!match)
    throw new Error(
      `${file}: "# expect: ${headers.expect}" is not "<none|pypi|npm|debian|alpine> [package] — why"`,
    );
  const ecosystem = match[1] as ExpectedEcosystem;
  const packages = match[2] ? match[2].split("|") : [];
  if ((ecosystem === "none") !== (packages.length === 0))
    throw new Error(`${file}: "# expect: ${headers.expect}" needs a package unless it is none`);
  if (!match[3]) throw new Error(`${file}: "# expect:" must say why, after " — "`);
  const log = lines.slice(body).join("\n");
  return {
    file,
    source: headers.source,
    ecosystem,
    packages,
    why: match[3],
    repo: headers.repo ?? null,
    log,
    lines: lines.length - body,
  };
}

export async function loadCorpus(dir = CORPUS_DIR): Promise<Fixture[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".log")).sort();
  return Promise.all(files.map(async (file) => parseFixture(file, await readFile(join(dir, file), "utf8"))));
}

export function kindOf(ecosystem: ExpectedEcosystem): CorpusKind {
  if (ecosystem === "none") return "look-alike";
  if (ecosystem === "pypi") return "python";
  if (ecosystem === "npm") return "node";
  return "system";
}

export async function evaluateFixture(fixture: Fixture, dir = CORPUS_DIR): Promise<Outcome> {
  const repo = fixture.repo ? await loadRepoContext(join(dir, "repos", fixture.repo)) : null;
  const diagnosis = await diagnoseLog(fixture.log, {
    ...(repo
      ? { projectFiles: repo.projectFiles, declared: repo.declared, dockerBase: repo.dockerBase }
      : {}),
  });
  const finding = diagnosis.finding;
  const got = finding ? `${finding.ecosystem} ${finding.package}` : "none";
  const kind = kindOf(fixture.ecosystem);
  const right =
    fixture.ecosystem === "none"
      ? finding === null
      : finding !== null &&
        finding.ecosystem === fixture.ecosystem &&
        fixture.packages.includes(finding.package);
  return {
    fixture,
    kind,
    right,
    falseFix: fixture.ecosystem === "none" && finding !== null,
    wrongFix: fixture.ecosystem !== "none" && finding !== null && !right,
    got,
    diagnosis,
  };
}

export async function evaluateCorpus(dir = CORPUS_DIR): Promise<Outcome[]> {
  const fixtures = await loadCorpus(dir);
  const outcomes: Outcome[] = [];
  for (const fixture of fixtures) outcomes.push(await evaluateFixture(fixture, dir));
  return outcomes;
}

export interface Score {
  group: string;
  right: number;
  total: number;
  falseFixes: number;
  wrongFixes: number;
}

export function scoreBy(outcomes: readonly Outcome[], key: (o: Outcome) => string): Score[] {
  const groups = new Map<string, Score>();
  for (const outcome of outcomes) {
    const group = key(outcome);
    const score = groups.get(group) ?? { group, right: 0, total: 0, falseFixes: 0, wrongFixes: 0 };
    score.total++;
    if (outcome.right) score.right++;
    if (outcome.falseFix) score.falseFixes++;
    if (outcome.wrongFix) score.wrongFixes++;
    groups.set(group, score);
  }
  return [...groups.values()].sort((a, b) => a.group.localeCompare(b.group));
}

const ERROR_LINE = /\b(?:ERROR|Error|error|ERR!|FAIL|FAILED)\b|fatal error|^Traceback /;

/** Distinct lines that look like an error (a log with several of them tests that only the fatal one counts). */
export function errorLineCount(log: string): number {
  const seen = new Set<string>();
  for (const line of log.split("\n")) {
    if (!ERROR_LINE.test(line)) continue;
    // The same message repeated with another timestamp or step prefix is one error.
    seen.add(line.replace(/^[\d#.:TZ\s-]+/, "").trim());
  }
  return seen.size;
}

export function renderReport(outcomes: readonly Outcome[]): string {
  const total = scoreBy(outcomes, () => "all")[0]!;
  const row = (s: Score): string =>
    `| ${s.group.padEnd(12)} | ${`${s.right}/${s.total}`.padStart(7)} | ${`${((100 * s.right) / s.total).toFixed(1)}%`.padStart(6)} | ${String(s.falseFixes).padStart(10)} | ${String(s.wrongFixes).padStart(10)} |`;
  const table = (title: string, scores: Score[]): string[] => [
    `| ${title.padEnd(12)} |   right |      % | false fix  | wrong fix  |`,
    `| ${"-".repeat(12)} | ------: | -----: | ---------: | ---------: |`,
    ...scores.map(row),
  ];
  const long = outcomes.filter((o) => o.fixture.lines >= 100).length;
  const several = outcomes.filter((o) => errorLineCount(o.fixture.log) >= 2).length;
  const lines = [
    `corpus: ${outcomes.length} logs (${outcomes.filter((o) => o.kind === "look-alike").length} look-alikes, ${long} with 100+ lines, ${several} with several error lines)`,
    "",
    ...table(
      "kind",
      scoreBy(outcomes, (o) => o.kind),
    ),
    "",
    ...table(
      "ecosystem",
      scoreBy(outcomes, (o) => o.fixture.ecosystem),
    ),
    "",
    ...table("total", [total]),
  ];
  const misses = outcomes.filter((o) => !o.right);
  if (misses.length > 0) {
    lines.push("", "misses:");
    for (const miss of misses) {
      const expected =
        miss.fixture.ecosystem === "none"
          ? "none"
          : `${miss.fixture.ecosystem} ${miss.fixture.packages.join("|")}`;
      lines.push(`  ${miss.fixture.file}: expected ${expected}, got ${miss.got} (${miss.diagnosis.reason})`);
    }
  }
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const outcomes = await evaluateCorpus();
  process.stdout.write(renderReport(outcomes));
  const total = scoreBy(outcomes, () => "all")[0]!;
  if (total.falseFixes > 0 || total.right / total.total < 0.95) process.exitCode = 1;
}
