/**
 * Line splitter benchmark: 32 MB of output without a newline, fed in 64 KiB chunks as a pipe delivers
 * them, through the runner's LineSplitter, against a baseline that only counts the bytes of the same
 * chunks (the least any consumer of the stream does). Two shapes: minified output (no break at all)
 * and a progress bar redrawn with `\r` only. Medians of BENCH_SPLIT_RUNS (default 5) runs each.
 * For scale, the splitter the runner used before (append, then search the whole pending text) is
 * timed on 4 MB. Exported for bench/run.ts; `npx tsx bench/line-splitter.ts` runs it alone.
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LineSplitter } from "../runner/process/line-splitter.js";
import { run } from "../runner/process/run.js";

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** `total` characters of `text` repeated, cut into CHUNK-sized pieces at varying offsets. */
function chunksOf(unit: string, total: number): string[] {
  const text = unit.repeat(Math.ceil((3 * CHUNK) / unit.length));
  const chunks: string[] = [];
  for (let i = 0; i * CHUNK < total; i++) {
    const at = (i * 7919) % (text.length - CHUNK);
    chunks.push(text.slice(at, at + CHUNK));
  }
  return chunks;
}

function minified(total: number): string[] {
  const unit = "function(a,b){return a+b};var x=[1,2,3].map(function(v){return v*2});";
  return chunksOf(unit, total);
}

function progress(total: number): string[] {
  let bar = "";
  for (let i = 0; i <= 100; i++)
    bar += `\r[${"#".repeat(Math.floor(i / 4)).padEnd(25)}] ${i}% 123.4 MB/s eta 0:00:${i % 60}`;
  return chunksOf(bar, total);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => number, runs: number): { ms: number; check: number } {
  const samples: number[] = [];
  let check = 0;
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    check = fn();
    samples.push(performance.now() - began);
  }
  return { ms: median(samples), check };
}

function countBytes(chunks: string[]): number {
  let bytes = 0;
  for (const chunk of chunks) bytes += Buffer.byteLength(chunk);
  return bytes;
}

function splitAll(chunks: string[]): number {
  const splitter = new LineSplitter();
  let emitted = 0;
  for (const chunk of chunks) emitted += splitter.push(chunk).length;
  return emitted + splitter.flush().length;
}

/** The splitter before: append the chunk, search the whole pending text for its last newline. */
function previousSplitter(chunks: string[]): number {
  let pending = "";
  let emitted = 0;
  for (const chunk of chunks) {
    pending += chunk;
    const cut = pending.lastIndexOf("\n");
    if (cut >= 0) {
      emitted += cut + 1;
      pending = pending.slice(cut + 1);
    }
  }
  return emitted + pending.length;
}

/** A child that writes `mb` MB of minified-looking output without a newline. */
const WRITER = (mb: number) =>
  `const c = "function(a,b){return a+b};".repeat(2521).slice(0, 65536); let n = ${mb * 16}; ` +
  `const go = () => { while (n > 0) { n--; if (!process.stdout.write(c)) return process.stdout.once("drain", go); } }; go();`;

/** Baseline for run(): the same child, its output only counted. */
function countChildBytes(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
    let bytes = 0;
    child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    child.on("error", reject);
    child.on("close", () => resolve(bytes));
  });
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const began = performance.now();
  const value = await fn();
  return { ms: performance.now() - began, value };
}

export interface SplitterBench {
  shape: string;
  megabytes: number;
  splitterMs: number;
  baselineMs: number;
  ratio: number;
}

export async function benchLineSplitter(log: (line: string) => void = console.log): Promise<SplitterBench[]> {
  const runs = Number(process.env.BENCH_SPLIT_RUNS ?? 5);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`BENCH_SPLIT_RUNS must be a positive integer, got '${process.env.BENCH_SPLIT_RUNS}'`);
  const results: SplitterBench[] = [];
  for (const [shape, make] of [
    ["minified (no line break)", minified],
    ["progress bar (\\r only)", progress],
  ] as const) {
    const chunks = make(32 * MB);
    const megabytes = countBytes(chunks) / MB;
    const baseline = time(() => countBytes(chunks), runs);
    const splitter = time(() => splitAll(chunks), runs);
    const ratio = splitter.ms / Math.max(baseline.ms, 0.001);
    const mbps = (ms: number) => (megabytes / (ms / 1000)).toFixed(0);
    log(
      `line splitter, ${shape}, ${megabytes.toFixed(0)} MB in ${chunks.length} chunks: splitter ${splitter.ms.toFixed(1)} ms (${mbps(splitter.ms)} MB/s), baseline (count bytes) ${baseline.ms.toFixed(1)} ms (${mbps(baseline.ms)} MB/s), ratio ${ratio.toFixed(2)}`,
    );
    results.push({ shape, megabytes, splitterMs: splitter.ms, baselineMs: baseline.ms, ratio });
  }
  const small = minified(4 * MB);
  const before = time(() => previousSplitter(small), 1);
  const now = time(() => splitAll(small), runs);
  log(
    `line splitter, minified 4 MB: previous splitter ${before.ms.toFixed(1)} ms, current ${now.ms.toFixed(1)} ms (previous / current ${(before.ms / Math.max(now.ms, 0.001)).toFixed(0)}x)`,
  );

  // End to end: run() with a log file (split, redacted, written) vs the same child's bytes counted.
  const dir = mkdtempSync(join(tmpdir(), "bench-split-"));
  try {
    const script = WRITER(32);
    const baseline = await timeAsync(() => countChildBytes(script));
    const logFile = join(dir, "build.log");
    const ran = await timeAsync(() => run([process.execPath, "-e", script], { logFile }));
    log(
      `run() on a child writing ${(baseline.value / MB).toFixed(0)} MB without a newline: ${ran.ms.toFixed(0)} ms (exit ${ran.value.exitCode}, log ${statSync(logFile).size} bytes), baseline (same child, bytes counted) ${baseline.ms.toFixed(0)} ms, ratio ${(ran.ms / baseline.ms).toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchLineSplitter();
