import { mkdtempSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  appendLine,
  JournalWriteError,
  nodeAppendIo,
  type AppendIo,
} from "../../../runner/journal/append-line.js";

function file(initial = ""): string {
  const path = join(mkdtempSync(join(tmpdir(), "append-")), "journal.jsonl");
  writeFileSync(path, initial);
  return path;
}

/** Writes at most `max` bytes per call, then fails with `code` once `budget` bytes are used up. */
function limitedIo(max: number, budget = Infinity, code = "ENOSPC"): AppendIo & { calls: number } {
  let left = budget;
  const io = {
    calls: 0,
    write(fd: number, buffer: Buffer, offset: number, length: number) {
      io.calls++;
      if (left <= 0) throw Object.assign(new Error(`${code}: simulated`), { code });
      const n = Math.min(max, length, left);
      left -= n;
      return writeSync(fd, buffer, offset, n);
    },
    fsync: nodeAppendIo.fsync,
  };
  return io;
}

describe("appendLine", () => {
  it("keeps writing after short writes until the whole line is on disk", () => {
    const path = file('{"type":"a"}\n');
    const io = limitedIo(3);
    appendLine(path, '{"type":"step-start","step":"build"}\n', io);
    expect(readFileSync(path, "utf8")).toBe('{"type":"a"}\n{"type":"step-start","step":"build"}\n');
    expect(io.calls).toBe(Math.ceil(37 / 3));
  });

  it("a full disk mid-line throws an error naming the file and leaves the file as it was", () => {
    const path = file('{"type":"a"}\n');
    const error = (() => {
      try {
        appendLine(path, '{"type":"step-start","step":"build"}\n', limitedIo(5, 10));
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(JournalWriteError);
    expect((error as JournalWriteError).code).toBe("ENOSPC");
    expect((error as Error).message).toBe(
      `cannot append to ${path}: the disk is full (ENOSPC); nothing was half-written. Free space under the state dir and run again`,
    );
    expect(readFileSync(path, "utf8")).toBe('{"type":"a"}\n');
  });

  it("a write that makes no progress counts as a full disk", () => {
    const path = file();
    const io: AppendIo = { write: () => 0, fsync: nodeAppendIo.fsync };
    expect(() => appendLine(path, '{"type":"a"}\n', io)).toThrow(/the disk is full \(ENOSPC\)/);
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("an I/O error on fsync is reported as such and the line is taken back", () => {
    const path = file('{"type":"a"}\n');
    const io: AppendIo = {
      write: nodeAppendIo.write,
      fsync: () => {
        throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
      },
    };
    expect(() => appendLine(path, '{"type":"b"}\n', io)).toThrow(
      /cannot append to .*journal\.jsonl: the disk reported an I\/O error \(EIO\)/,
    );
    expect(readFileSync(path, "utf8")).toBe('{"type":"a"}\n');
  });

  it("after a half line left by a crash, the next append starts on a new line", () => {
    const path = file('{"type":"a"}\n{"type":"step-st');
    appendLine(path, '{"type":"b"}\n');
    expect(readFileSync(path, "utf8")).toBe('{"type":"a"}\n{"type":"step-st\n{"type":"b"}\n');
  });

  it("a file that cannot be opened is a JournalWriteError naming it", () => {
    const path = join(mkdtempSync(join(tmpdir(), "append-")), "missing-dir", "journal.jsonl");
    expect(() => appendLine(path, "{}\n")).toThrow(JournalWriteError);
    expect(() => appendLine(path, "{}\n")).toThrow(path);
  });
});
