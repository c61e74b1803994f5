import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { StateWriteError, stateWriteError } from "./write-error.js";

/** The two calls an append depends on; tests replace them to simulate a short write or a failing disk. */
export interface AppendIo {
  /** Like `fs.writeSync(fd, buffer, offset, length)`: returns how many bytes were written. */
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  fsync(fd: number): void;
}

export const nodeAppendIo: AppendIo = {
  write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsync: (fd) => fsyncSync(fd),
};

/** An append that did not reach the disk; the file was truncated back to its size before the append. */
export class JournalWriteError extends StateWriteError {
  override readonly name = "JournalWriteError";
}

function writeError(path: string, error: unknown, undone = true): JournalWriteError {
  const base = stateWriteError(
    path,
    error,
    "append to",
    undone ? "nothing was half-written" : "the partial line will be quarantined",
  );
  return new JournalWriteError(path, base.code, base.message, { cause: error });
}

/**
 * Appends `line` (which ends with a newline) completely and durably, or throws a JournalWriteError
 * naming the file. Short writes are retried until every byte is written; a write that makes no progress
 * counts as a full disk. On failure the file is truncated back to its old size, so no half line is left
 * behind; if even that fails, the next append starts on a new line, because a file that does not end
 * with a newline (a crash mid-append) always gets one first.
 */
export function appendLine(path: string, line: string, io: AppendIo = nodeAppendIo): void {
  let fd: number;
  try {
    fd = openSync(path, "a+");
  } catch (error) {
    throw writeError(path, error);
  }
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.from(size > 0 && !endsWithNewline(fd, size) ? `\n${line}` : line);
    try {
      for (let offset = 0; offset < buffer.length;) {
        const written = io.write(fd, buffer, offset, buffer.length - offset);
        if (!(written > 0)) throw Object.assign(new Error("write made no progress"), { code: "ENOSPC" });
        offset += written;
      }
      io.fsync(fd);
    } catch (error) {
      let undone = true;
      try {
        ftruncateSync(fd, size);
      } catch {
        undone = false; // the next append still starts a new line
      }
      throw writeError(path, error, undone);
    }
  } finally {
    closeSync(fd);
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
}
