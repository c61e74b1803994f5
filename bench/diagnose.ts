/**
 * Diagnosis speed and memory on a >= 200 MB log of realistic CI noise with a missing module near the
 * end, against `grep -E` with equivalent patterns over the same file (page cache warmed first), in one
 * run:
 *
 * - the whole `orchestrator diagnose --log FILE --json` process (GNU time: wall time and peak RSS), with
 *   `node -e 0` as the reference for what any Node process costs to start;
 * - the slow path: a 64 MB log with nothing to fix, which the CLI must read whole, streamed in bounded
 *   memory (the same RSS target), its wall time against grep's over the same file;
 * - `diagnoseLog` on a stream, front to back (the app's path for a log that cannot be read from an
 *   offset), in a child process: its peak RSS comes from getrusage (`process.resourceUsage().maxRSS`),
 *   and the growth is that peak minus the RSS measured just before the run (after imports), so it counts
 *   everything the diagnosis allocated, garbage included.
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { once } from "node:events";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const HERE = dirname(fileURLToPath(import.meta.url));
const DATA_DIR = join(HERE, ".data");
const TARGET_BYTES = 210 * 1024 * 1024;
const LOG_FILE = join(DATA_DIR, "ci-noise-v1-210mb.log");
/** The same noise with nothing to fix at its end (a project-layout name): the whole file is read. */
const NOFIX_BYTES = 64 * 1024 * 1024;
const NOFIX_FILE = join(DATA_DIR, "ci-noise-nofix-v1-64mb.log");
/** The usual error phrases the diagnosers look for, as one grep -E alternation. */
const GREP_PATTERN =
  "No module named|Cannot find (module|package)|Can't resolve|Could not resolve|ailed to resolve import|fatal error|No such file or directory|not found|pkg-config search path|No package '|Could NOT find|No git binary|cannot open shared object file|error while loading shared libraries|Error loading shared library|tried to access|Failed to load (plugin|config)|couldn't find the (plugin|config)|Test environment|TS2688|Could not find a declaration file|\\.proto: File not found";

interface ChildResult {
  ms: number;
  bytes: number;
  package: string | null;
  rssBefore: number;
  peakRss: number;
}

export async function benchDiagnose(): Promise<void> {
  const file = await ensureLog(LOG_FILE, TARGET_BYTES, ENDING_FIXABLE);
  const size = statSync(file).size;
  console.log(`log: ${file} (${mb(size)} MB)`);

  runGrep(file); // warm the page cache so neither side pays for the disk
  const startup = runNodeStartup();
  // Median of alternating runs: one run each is at the mercy of whatever else the machine does.
  const cliRuns: ReturnType<typeof runCli>[] = [];
  const grepRuns: ReturnType<typeof runGrep>[] = [];
  for (let i = 0; i < RUNS; i++) {
    cliRuns.push(runCli(file));
    grepRuns.push(runGrep(file));
  }
  const cli = median(cliRuns);
  const grepForCli = median(grepRuns);
  console.log(
    `node startup (node -e 0, reference)                : ${startup.ms.toFixed(0)} ms, peak RSS ${mb(startup.peakRss)} MB`,
  );
  console.log(
    `orchestrator diagnose --log --json (whole process): ${cli.ms.toFixed(0)} ms (CPU ${cli.cpuMs.toFixed(0)} ms), peak RSS ${mb(Math.max(...cliRuns.map((r) => r.peakRss)))} MB, finding: ${cli.package ?? "none"}, read ${mb(cli.bytesRead)} MB from the end (median of ${RUNS})`,
  );
  console.log(
    `grep -E (same phrases, same file)                  : ${grepForCli.ms.toFixed(0)} ms (CPU ${grepForCli.cpuMs.toFixed(0)} ms), ${grepForCli.matches} matching lines (median of ${RUNS})`,
  );
  console.log(
    `ratio       : the CLI takes ${(cli.ms / grepForCli.ms).toFixed(2)}x grep's wall time (target <= 1), ${(cli.cpuMs / grepForCli.cpuMs).toFixed(2)}x its CPU time; peak RSS ${mb(Math.max(...cliRuns.map((r) => r.peakRss)))} MB (target <= 64)`,
  );
  if (cli.package !== "PyYAML")
    throw new Error(`expected the planted PyYAML finding from the CLI, got ${cli.package}`);

  // Worst case: nothing to fix, so the CLI reads the whole file (no early stop): it streams it in bounded
  // memory, and its wall time is compared with grep's over the same file (median of alternating runs).
  const nofix = await ensureLog(NOFIX_FILE, NOFIX_BYTES, ENDING_NOTHING_TO_FIX);
  runGrep(nofix);
  const fullRuns: ReturnType<typeof runCli>[] = [];
  const grepFullRuns: ReturnType<typeof runGrep>[] = [];
  for (let i = 0; i < RUNS; i++) {
    fullRuns.push(runCli(nofix));
    grepFullRuns.push(runGrep(nofix));
  }
  const cliFull = median(fullRuns);
  const grepFull = median(grepFullRuns);
  const fullPeak = Math.max(...fullRuns.map((r) => r.peakRss));
  console.log(
    `nothing to fix (${mb(statSync(nofix).size)} MB, read whole): CLI ${cliFull.ms.toFixed(0)} ms (CPU ${cliFull.cpuMs.toFixed(0)} ms), peak RSS ${mb(fullPeak)} MB, read ${mb(cliFull.bytesRead)} MB; grep ${grepFull.ms.toFixed(0)} ms (CPU ${grepFull.cpuMs.toFixed(0)} ms) (median of ${RUNS})`,
  );
  console.log(
    `ratio       : the CLI takes ${(cliFull.ms / grepFull.ms).toFixed(2)}x grep's wall time on it, ${(cliFull.cpuMs / grepFull.cpuMs).toFixed(2)}x its CPU time (${((cliFull.ms - startup.ms) / grepFull.ms).toFixed(2)}x less Node's own start); peak RSS ${mb(fullPeak)} MB (target <= 64, as for the fixable log)`,
  );
  if (cliFull.package !== null)
    throw new Error(`expected no finding on the nothing-to-fix log, got ${cliFull.package}`);

  const child = await runChild(file);
  const grep = runGrep(file);

  const ours = size / 1e6 / (child.ms / 1000);
  const theirs = size / 1e6 / (grep.ms / 1000);
  console.log(
    `diagnoseLog (stream, front to back): ${child.ms.toFixed(0)} ms, ${ours.toFixed(0)} MB/s, finding: ${child.package ?? "none"}`,
  );
  console.log(
    `  memory    : peak RSS ${mb(child.peakRss)} MB, growth over the pre-run RSS ${mb(child.peakRss - child.rssBefore)} MB (getrusage maxRSS, child process)`,
  );
  console.log(
    `grep -E     : ${grep.ms.toFixed(0)} ms, ${theirs.toFixed(0)} MB/s, ${grep.matches} matching lines`,
  );
  console.log(`ratio       : diagnoseLog takes ${(child.ms / grep.ms).toFixed(2)}x grep's time`);
  if (child.package !== "PyYAML")
    throw new Error(`expected the planted PyYAML finding, got ${child.package}`);
}

/** `node -e 0`: what any Node CLI pays before its first line of code. */
function runNodeStartup(): { ms: number; peakRss: number } {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "-e", "0"], { encoding: "utf8" });
  const ms = performance.now() - start;
  return { ms, peakRss: Number(result.stderr.trim().split("\n").at(-1)) * 1024 };
}

const CLI = fileURLToPath(new URL("../bin/orchestrator.js", import.meta.url));

/** The whole CLI process, as a user runs it; GNU time reports its peak RSS (needs `npm run build`). */
const RUNS = 3;

function median<T extends { ms: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

/** GNU time's `%U %S %M` line: CPU milliseconds (user + system) and peak RSS in bytes. */
function timeLine(stderr: string): { cpuMs: number; peakRss: number } {
  const [user, system, peakKb] = stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { cpuMs: (user! + system!) * 1000, peakRss: peakKb! * 1024 };
}

function runCli(file: string): {
  ms: number;
  cpuMs: number;
  peakRss: number;
  package: string | null;
  bytesRead: number;
} {
  if (!existsSync(fileURLToPath(new URL("../dist/src/cli/main.js", import.meta.url))))
    throw new Error("bench diagnose needs the built CLI: run `npm run build` first");
  const start = performance.now();
  const result = spawnSync(
    "/usr/bin/time",
    ["-f", "%U %S %M", process.execPath, CLI, "diagnose", "--log", file, "--json"],
    {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`orchestrator diagnose failed (${result.status}): ${result.stderr}`);
  const json = JSON.parse(result.stdout) as { package: string | null; bytes_read: number };
  return { ms, ...timeLine(result.stderr), package: json.package, bytesRead: json.bytes_read };
}

function runGrep(file: string): { ms: number; cpuMs: number; matches: number } {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "grep", "-E", "-c", GREP_PATTERN, file], {
    env: { ...process.env, LC_ALL: "C" },
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (result.status !== 0 && result.status !== 1) throw new Error(`grep failed: ${result.stderr}`);
  return { ms, cpuMs: timeLine(result.stderr).cpuMs, matches: Number(result.stdout.trim()) };
}

async function runChild(file: string): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--child", file],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`benchmark child exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as ChildResult;
}

async function childMain(file: string): Promise<void> {
  const { diagnoseLog } = await import("../src/diagnose/diagnose.js");
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const diagnosis = await diagnoseLog(createReadStream(file, { highWaterMark: 1 << 20 }), {
    maxBytes: 1 << 30,
  });
  const ms = performance.now() - start;
  const result: ChildResult = {
    ms,
    bytes: diagnosis.bytesRead,
    package: diagnosis.finding?.package ?? null,
    rssBefore,
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(result));
}

const ENDING_FIXABLE = [
  "#14 [api 5/6] RUN python -m pytest -q",
  "Traceback (most recent call last):",
  '  File "/srv/services/api/app/settings.py", line 4, in <module>',
  "    import yaml",
  "ModuleNotFoundError: No module named 'yaml'",
  '#14 ERROR: process "/bin/sh -c python -m pytest -q" did not complete successfully: exit code: 1',
];
const ENDING_NOTHING_TO_FIX = [
  "#14 [api 5/6] RUN python -m pytest -q",
  "Traceback (most recent call last):",
  '  File "/srv/services/api/main.py", line 2, in <module>',
  "    from src import settings",
  "ModuleNotFoundError: No module named 'src'",
  '#14 ERROR: process "/bin/sh -c python -m pytest -q" did not complete successfully: exit code: 1',
];

/** Generates a log once (deterministic), written to a temporary name and renamed when complete. */
async function ensureLog(path: string, targetBytes: number, ending: readonly string[]): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(DATA_DIR, { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  const random = prng(42);
  let written = 0;
  let seconds = 0;
  while (written < targetBytes - 4096) {
    let batch = "";
    while (batch.length < 1 << 20) {
      seconds += random() * 0.01;
      batch += `${timestamp(seconds)} ${noiseLine(random)}\n`;
    }
    written += Buffer.byteLength(batch);
    if (!out.write(batch)) await once(out, "drain");
  }
  out.end(`${ending.map((line) => `${timestamp(seconds)} ${line}`).join("\n")}\n`);
  await once(out, "finish");
  renameSync(partial, path);
  return path;
}

const PACKAGES = [
  "requests",
  "numpy",
  "pandas",
  "flask",
  "sqlalchemy",
  "celery",
  "redis",
  "boto3",
  "pydantic",
  "uvicorn",
];
const NPM = [
  "lodash",
  "express",
  "react",
  "webpack",
  "typescript",
  "eslint",
  "jest",
  "axios",
  "chalk",
  "debug",
];

function noiseLine(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const version = `${Math.floor(random() * 5)}.${Math.floor(random() * 30)}.${Math.floor(random() * 10)}`;
  const roll = random();
  if (roll < 0.2)
    return `#12 ${(random() * 90).toFixed(3)} Collecting ${pick(PACKAGES)}==${version} (from -r requirements.txt (line ${Math.floor(random() * 40)}))`;
  if (roll < 0.35)
    return `#12 ${(random() * 90).toFixed(3)}   Downloading ${pick(PACKAGES)}-${version}-py3-none-any.whl (${Math.floor(random() * 900)} kB)`;
  if (roll < 0.45)
    return `Requirement already satisfied: ${pick(PACKAGES)}>=${version} in /usr/local/lib/python3.12/site-packages`;
  if (roll < 0.55)
    return `gcc -pthread -Wno-unused-result -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -fPIC -I/usr/local/include/python3.12 -c src/${pick(PACKAGES)}/_speedups.c -o build/temp.linux-x86_64-3.12/_speedups.o`;
  if (roll < 0.65)
    return `npm WARN deprecated ${pick(NPM)}@${version}: this version is no longer supported, please upgrade`;
  if (roll < 0.75)
    return `tests/test_${pick(PACKAGES)}.py::test_case_${Math.floor(random() * 500)} \x1b[32mPASSED\x1b[0m [ ${Math.floor(random() * 100)}%]`;
  if (roll < 0.8)
    return `#${Math.floor(random() * 20)} [api ${Math.floor(random() * 6)}/6] RUN pip install --no-cache-dir -r requirements.txt`;
  if (roll < 0.83)
    return `  Building wheel for ${pick(PACKAGES)} (pyproject.toml): finished with status 'done'`;
  if (roll < 0.85) return `warning: manifest_maker: standard file '-c' not found`;
  if (roll < 0.87) return `checking for ${pick(["ffi.h", "zlib.h", "ssl.h"])}... yes`;
  if (roll < 0.95) return `webpack ${version} compiled successfully in ${Math.floor(random() * 9000)} ms`;
  return `added ${Math.floor(random() * 2000)} packages, and audited ${Math.floor(random() * 2000)} packages in ${Math.floor(random() * 60)}s`;
}

function timestamp(seconds: number): string {
  return new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString().replace("Z", "0000Z");
}

/** mulberry32: a small deterministic generator, so every machine benchmarks the same log. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

if (
  process.argv[2] === "--child" &&
  process.argv[1] &&
  pathToFileURL(process.argv[1]).href === import.meta.url
) {
  await childMain(process.argv[3]!);
}
