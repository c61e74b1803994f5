import { spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { redact } from "../../src/redact/redactor.js";
import { LineSplitter } from "./line-splitter.js";
import { TailBuffer } from "./tail-buffer.js";

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  /** Set when the log file could not be written (full disk); the program still ran to its end. */
  logError?: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Appends both streams, redacted, to this file as they arrive, one line per `\n`, `\r` or `\r\n`. */
  logFile?: string;
  /** Called with the child's pid once it has started (the journal records it). If it throws, the child is killed and run() rejects. */
  onSpawn?: (pid: number) => void;
  /** Kill the child after this long (ms). */
  timeoutMs?: number;
  /** Longest log line kept whole (characters); longer ones are cut with a marker. */
  maxLineLength?: number;
}

/** Most characters of each stream kept in memory; the log file has everything. */
const KEEP = 256 * 1024;

/** Runs an argv array without a shell. Never throws for a failing program: read `exitCode`. */
export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new Error("run: empty argv"));
  return new Promise((resolve, reject) => {
    let logError: string | undefined;
    const log: WriteStream | null = options.logFile
      ? createWriteStream(options.logFile, { flags: "a" })
      : null;
    // A log that cannot be written (full disk) must not crash the runner: the output stays in memory.
    log?.on("error", (error) => (logError ??= `cannot write ${options.logFile}: ${error.message}`));
    const writeLog = (text: string) => {
      if (text && log && !logError && !log.destroyed) log.write(redact(text));
    };
    writeLog(`$ ${argv.join(" ")}\n`);
    const stdout = new TailBuffer(KEEP);
    const stderr = new TailBuffer(KEEP);
    let timer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      shell: false,
    });
    let hookError: unknown;
    if (child.pid !== undefined) {
      try {
        options.onSpawn?.(child.pid);
      } catch (error) {
        hookError = error;
        child.kill("SIGKILL");
      }
    }
    if (options.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);

    // Redacted per line, so that a secret is never split across two writes.
    const outLines = new LineSplitter(options.maxLineLength);
    const errLines = new LineSplitter(options.maxLineLength);
    const onData = (tail: TailBuffer, lines: LineSplitter) => (chunk: string) => {
      try {
        tail.push(chunk);
        writeLog(lines.push(chunk));
      } catch (error) {
        // Never throw inside a stream handler; the program keeps running and its exit code counts.
        logError ??= `output handling failed: ${(error as Error).message}`;
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData(stdout, outLines));
    child.stderr.setEncoding("utf8").on("data", onData(stderr, errLines));

    let settled = false;
    const finish = (result: Omit<RunResult, "stdout" | "stderr">) => {
      // 'error' and 'close' can both fire for one child.
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      writeLog(outLines.flush());
      writeLog(errLines.flush());
      writeLog(result.spawnError ? `! ${result.spawnError}\n` : `[exit ${result.exitCode}]\n`);
      const done = () => {
        if (hookError !== undefined) return reject(hookError);
        const full: RunResult = { ...result, stdout: stdout.text(), stderr: stderr.text() };
        if (logError) full.logError = logError;
        resolve(full);
      };
      if (!log || log.destroyed) return done();
      log.once("error", done);
      log.end(done);
    };
    child.on("error", (error) => {
      finish({ exitCode: 127, spawnError: `cannot start ${program}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      finish({ exitCode: code ?? (signal ? 128 : 1) });
    });
  });
}
