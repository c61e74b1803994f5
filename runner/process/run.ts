import { spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { tailFromLineStart } from "../../src/redact/cut.js";
import { redact } from "../../src/redact/redactor.js";

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Appends both streams, redacted, to this file as they arrive. */
  logFile?: string;
  /** Called with the child's pid once it has started (the journal records it). */
  onSpawn?: (pid: number) => void;
  /** Kill the child after this long (ms). */
  timeoutMs?: number;
}

/** Most characters of each stream kept in memory; the log file has everything. */
const KEEP = 256 * 1024;

/** Runs an argv array without a shell. Never throws for a failing program: read `exitCode`. */
export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new Error("run: empty argv"));
  return new Promise((resolve) => {
    const log: WriteStream | null = options.logFile
      ? createWriteStream(options.logFile, { flags: "a" })
      : null;
    log?.write(redact(`$ ${argv.join(" ")}\n`));
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      shell: false,
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    if (options.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);

    // Redact per line so that a secret is never split across two writes.
    const lineWriter = () => {
      let pending = "";
      return {
        push(chunk: string) {
          pending += chunk;
          const cut = pending.lastIndexOf("\n");
          if (cut >= 0) {
            log?.write(redact(pending.slice(0, cut + 1)));
            pending = pending.slice(cut + 1);
          }
        },
        flush() {
          if (pending) log?.write(redact(`${pending}\n`));
          pending = "";
        },
      };
    };
    const outLines = lineWriter();
    const errLines = lineWriter();
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout = tailFromLineStart(stdout + chunk, KEEP);
      outLines.push(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = tailFromLineStart(stderr + chunk, KEEP);
      errLines.push(chunk);
    });

    let settled = false;
    const finish = (result: RunResult) => {
      // 'error' and 'close' can both fire for one child.
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      outLines.flush();
      errLines.flush();
      const trailer = result.spawnError ? `! ${result.spawnError}\n` : `[exit ${result.exitCode}]\n`;
      if (log) log.end(redact(trailer), () => resolve(result));
      else resolve(result);
    };
    child.on("error", (error) => {
      finish({ exitCode: 127, stdout, stderr, spawnError: `cannot start ${program}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      finish({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
