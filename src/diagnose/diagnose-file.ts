import { open, type FileHandle } from "node:fs/promises";
import { tailNote } from "./collector.js";
import { checkedMaxBytes, prepare, type DiagnoseOptions } from "./diagnose.js";
import { assertTextLog } from "./input-check.js";
import { CONTEXT_LINES, linesAt, MAX_CONTEXT_LINE_CHARS, scanLines } from "./line-scanner.js";
import type { Diagnosis } from "./finding.js";

const SNIFF_BYTES = 8192;
/** A file is read from its end in windows of this size (the newest one also gives the log's tail). */
export const WINDOW_BYTES = 1024 * 1024;
const BEFORE_CONTEXT_BYTES = CONTEXT_LINES * MAX_CONTEXT_LINE_CHARS;

export interface DiagnoseFileOptions extends DiagnoseOptions {
  /** Window size (tests use small ones to cross many window edges). */
  windowBytes?: number;
}

/**
 * Diagnoses a log file, reading it from its end: the fatal error of a build is there. Windows of
 * `WINDOW_BYTES` are read newest first, each cut at a line start, and handed to one collector that ranks
 * every older window below what it already read, so the verdict is the one a front-to-back read gives
 * ("the last fixable error wins"). Reading stops once a fixable finding is known, one more window before
 * it was read (an earlier line may show that the same name was asked for from inside a dependency), and,
 * for a system package, the distribution is known. A file above the size cap is read only in its last
 * `maxBytes` (from the first full line), with `truncated: true` and a reason saying so. `bytesRead` is
 * what was read. Binary or compressed files are refused (BinaryLogError).
 */
export async function diagnoseFile(path: string, options: DiagnoseFileOptions = {}): Promise<Diagnosis> {
  const maxBytes = checkedMaxBytes(options.maxBytes);
  const windowBytes = options.windowBytes ?? WINDOW_BYTES;
  if (!Number.isSafeInteger(windowBytes) || windowBytes <= 0)
    throw new RangeError(`windowBytes must be a positive integer, got ${String(options.windowBytes)}`);
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await readAt(handle, head, head.length, 0);
    assertTextLog(head, `'${path}'`);
    const readStart = size > maxBytes ? size - maxBytes : 0;
    let startsMidLine = false;
    if (readStart > 0) {
      const previous = Buffer.alloc(1);
      await readAt(handle, previous, 1, readStart - 1);
      startsMidLine = previous[0] !== 0x0a;
      const tail = Buffer.alloc(Math.min(SNIFF_BYTES, size - readStart));
      await readAt(handle, tail, tail.length, readStart);
      if (tail.includes(0)) assertTextLog(tail, `'${path}' (at byte ${readStart})`);
    }

    const read = { handle, size, readStart, startsMidLine, windowBytes, maxBytes };
    // First without the lines that only name a distribution: most logs need none of them (no system
    // package), and the scan over the whole log is what a log with nothing to fix costs.
    const fast = prepare(options, { distroLines: false });
    const first = await readFromEnd(read, fast, false);
    if (!fast.collector.needsDistroLines()) return first;
    // A system package: its name depends on the last line that names the distribution, wherever it is.
    return await readFromEnd(read, prepare(options), true);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

interface FileRead {
  handle: FileHandle;
  size: number;
  readStart: number;
  startsMidLine: boolean;
  windowBytes: number;
  maxBytes: number;
}

/**
 * Reads the file from its end, window by window, into one collector, and stops once a fixable finding is
 * known and one more window before it was read (and, with `untilDistro`, a line or the Dockerfile named
 * the distribution).
 */
async function readFromEnd(
  read: FileRead,
  { collector, prefilter }: ReturnType<typeof prepare>,
  untilDistro: boolean,
): Promise<Diagnosis> {
  const { handle, size, readStart, startsMidLine, windowBytes, maxBytes } = read;
  const buffer = Buffer.allocUnsafe(Math.min(windowBytes, Math.max(size - readStart, 1)));
  let end = size;
  let bytesRead = 0;
  let index = 0;
  let foundAt: number | null = null;
  // The first lines of the newer window: what follows the current window's last line.
  let newerLines: string[] = [];
  while (end > readStart) {
    const start = Math.max(readStart, end - windowBytes);
    const length = end - start;
    await readAt(handle, buffer, length, start);
    bytesRead += length;
    // The window's first line may begin before it: that line belongs to the older window (or, at the
    // cap, is the cut line that is not read at all).
    let from = 0;
    if (start > readStart || startsMidLine) {
      // The window's own last byte may be the newline that ends its last line: not a line start.
      const newline = buffer.subarray(0, length - 1).indexOf(0x0a);
      if (newline >= 0) from = newline + 1;
      else if (start === readStart) from = length; // only the cut line: nothing to read
      // else: the whole window is inside one long line; its piece is read as it is
    }
    const lineStart = start + from;
    if (index > 0) collector.beginOlderWindow();
    const bytes = buffer.subarray(from, length);
    const scanned = await scanLines(once(bytes), {
      maxBytes: Number.MAX_SAFE_INTEGER,
      prefilter,
      onLine: collector.onLine,
      beforeContext:
        lineStart > readStart ? await linesBefore(handle, lineStart, readStart, startsMidLine) : [],
      afterContext: newerLines,
      keepTail: index === 0,
    });
    newerLines = linesAt(bytes, 0, CONTEXT_LINES);
    if (index === 0) collector.readTail(scanned.tail);
    end = lineStart > start || start === readStart ? lineStart : start;
    if (start === readStart) break;
    const state = collector.settled();
    if (!state.fixable) foundAt = null;
    else if (foundAt === null) foundAt = index;
    if (state.fixable && index > foundAt! && !(untilDistro && state.needsDistro)) break;
    index++;
  }
  const truncated = readStart > 0;
  return collector.result(bytesRead, truncated, maxBytes, truncated ? tailNote(readStart, size) : undefined);
}

/** The last CONTEXT_LINES whole lines before `at` (a line start), not reaching before `floor`. */
async function linesBefore(
  handle: FileHandle,
  at: number,
  floor: number,
  floorMidLine: boolean,
): Promise<string[]> {
  const from = Math.max(floor, at - BEFORE_CONTEXT_BYTES);
  const bytes = Buffer.allocUnsafe(at - from);
  await readAt(handle, bytes, bytes.length, from);
  const lines = bytes.toString("utf8").split("\n");
  lines.pop(); // `at` is a line start: the text ends with the newline before it
  // The first piece is a whole line only when it starts at the floor, on a line start.
  if (from > floor || floorMidLine) lines.shift();
  return lines.slice(-CONTEXT_LINES);
}

async function* once(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

async function readAt(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`the log file ended early (at byte ${position + done})`);
    done += bytesRead;
  }
}
