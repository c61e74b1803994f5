import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { runDir } from "../../runner/journal/journal-file.js";
import type { DeployResult } from "../../runner/journal/events.js";
import type { DeployReporter, StepEvent } from "../../runner/pipeline/reporter.js";
import { formatMs, renderStep } from "../../runner/cli/render.js";
import { redact } from "../redact/redactor.js";

/** Where each long step writes as it goes: the line shown under a running step on a terminal. */
const STEP_LOG: Partial<Record<StepEvent["step"], string>> = {
  build: "build.log",
  up: "restart.log",
  verify: "verify.log",
  "rollback-up": "rollback.log",
  "rollback-verify": "verify.log",
  stop: "rollback.log",
};

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Deploy progress for a terminal: one line per step start and end; on a TTY, the running step's line is
 * redrawn every `tickMs` with its elapsed time and the last line of its log. Otherwise plain lines.
 * The demo and `orchestrator-runner deploy` (when its stdout is a terminal) use it.
 */
export function progressReporter(
  out: ProgressSink,
  stateDir: string,
  opts: {
    tickMs?: number;
    indent?: string;
    /** The text printed when the run ends (default: one line with the outcome and the artifacts). */
    finish?: (result: DeployResult) => string;
  } = {},
): DeployReporter & { stop(): void } {
  const indent = opts.indent ?? "  ";
  let timer: NodeJS.Timeout | null = null;
  let live = false;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (live) out.write("\r\x1b[2K");
    live = false;
  };
  const print = (text: string) => {
    clear();
    out.write(redact(text.replace(/^(?=.)/gm, indent)));
  };
  return {
    name: "cli",
    step(event) {
      print(renderStep(event));
      const log = STEP_LOG[event.step];
      if (event.phase !== "start" || !out.isTTY || !log) return;
      const path = join(runDir(stateDir, event.runId), log);
      const began = Date.now();
      const draw = () => {
        const width = Math.max(20, (out.columns || 80) - 1);
        const line = `${indent}   ${event.step} ${formatMs(Date.now() - began)}  ${lastLine(path)}`;
        out.write(`\r\x1b[2K${redact(line).slice(0, width)}`);
        live = true;
      };
      timer = setInterval(draw, opts.tickMs ?? 250);
      timer.unref();
    },
    note: (_runId, message) => print(`.. ${message}\n`),
    // The demo's own step line says what the run meant; here only the outcome and where its files are.
    finish: (result) =>
      print(
        opts.finish
          ? opts.finish(result)
          : `${result.service}: ${result.status.toUpperCase()} in ${formatMs(result.durationMs)}; artifacts ${result.artifactsDir}\n`,
      ),
    stop: clear,
  };
}

/** The last non-empty line of a file, read from its end (build logs grow large). */
export function lastLine(path: string, window = 4096): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, window);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer
      .toString("utf8")
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.at(-1) ?? "";
  } finally {
    closeSync(fd);
  }
}
