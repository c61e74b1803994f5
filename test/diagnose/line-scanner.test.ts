import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { diagnoseLog } from "../../src/diagnose/diagnose.js";
import { MAX_LINE_CHARS, TAIL_CHARS, scanLines, type RawContext } from "../../src/diagnose/line-scanner.js";

const TRACEBACK = [
  "Traceback (most recent call last):",
  '  File "/app/services/api/main.py", line 3, in <module>',
  "    import yaml",
  "ModuleNotFoundError: No module named 'yaml'",
].join("\n");

async function* chunks(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function candidates(input: string | AsyncIterable<Buffer>, maxBytes = 1 << 30) {
  const seen: { line: string; context: RawContext }[] = [];
  const result = await scanLines(input, {
    maxBytes,
    prefilter: /No module named|MARK/g,
    onLine: (line, _index, context) =>
      seen.push({ line, context: { before: [...context.before], after: [...context.after] } }),
  });
  return { seen, result };
}

describe("streaming", () => {
  it("finds the same lines whatever the chunk size, even 1-byte chunks splitting UTF-8 characters", async () => {
    const log = `héllo wörld ✓\n${TRACEBACK}\nnext line ✓\nMARK end`;
    const whole = await candidates(log);
    expect(whole.seen.map((s) => s.line)).toEqual([
      "ModuleNotFoundError: No module named 'yaml'",
      "MARK end",
    ]);
    for (const size of [1, 2, 3, 7, 64]) {
      const split = await candidates(chunks(log, size));
      expect(split.seen.map((s) => s.line)).toEqual(whole.seen.map((s) => s.line));
      expect(split.result.bytesRead).toBe(Buffer.byteLength(log));
    }
  });

  it("reads a big chunk in slices with the same lines and context as a chunk-by-chunk read", async () => {
    // One 1.5 MB chunk is decoded in 64 KiB slices cut after a newline; lines of every length and
    // multi-byte characters must come out whole, with the same lines before them as from 7-byte chunks.
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      i % 97 === 0 ? `MARK ${i} é✓` : `noise ${i} ${"ü".repeat(i % 23)}${"x".repeat((i * 7) % 131)}`,
    );
    const log = `${lines.join("\n")}\n`;
    const big = await candidates(Readable.from([Buffer.from(log, "utf8")]));
    const small = await candidates(chunks(log, 7));
    expect(big.seen.length).toBe(Math.ceil(lines.length / 97));
    expect(big.seen.map((s) => s.line)).toEqual(small.seen.map((s) => s.line));
    expect(big.seen.map((s) => s.context.before)).toEqual(small.seen.map((s) => s.context.before));
    // A chunk gives the lines after a match even across its slices (7-byte chunks cannot).
    big.seen.forEach((seen) => {
      const at = lines.indexOf(seen.line);
      expect(seen.context.after, `after ${seen.line}`).toEqual(lines.slice(at + 1, at + 17));
    });
    expect(big.result.bytesRead).toBe(Buffer.byteLength(log));
  });

  it("gives context lines across chunk boundaries", async () => {
    const { seen } = await candidates(chunks(`${TRACEBACK}\nafter 1\nafter 2\n`, 5));
    expect(seen[0]!.context.before).toContain("    import yaml");
    expect(seen[0]!.context.before).toContain('  File "/app/services/api/main.py", line 3, in <module>');
  });

  it("gives following lines when they are in the same chunk", async () => {
    const { seen } = await candidates(`${TRACEBACK}\nafter 1\nafter 2\n`);
    expect(seen[0]!.context.after.slice(0, 2)).toEqual(["after 1", "after 2"]);
  });

  it("scans the head of a huge single line, skips its tail, and keeps going", async () => {
    const huge = `x`.repeat(10 * MAX_LINE_CHARS) + " MARK in the tail";
    const log = `MARK head ${"y".repeat(3 * MAX_LINE_CHARS)}\n${huge}\n${TRACEBACK}\n`;
    const { seen } = await candidates(chunks(log, 65536));
    expect(seen.map((s) => s.line.slice(0, 20))).toEqual(["MARK head yyyyyyyyyy", "ModuleNotFoundError:"]);
    expect(seen.every((s) => s.line.length <= 3 * MAX_LINE_CHARS + 10)).toBe(true);
  });

  it("keeps a bounded tail that starts at a line boundary", async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i}`);
    const { result } = await candidates(chunks(lines.join("\n"), 65536));
    expect(result.tail.length).toBeLessThanOrEqual(TAIL_CHARS);
    expect(result.tail.length).toBeGreaterThan(TAIL_CHARS - 20);
    expect(result.tail.endsWith("line 59999")).toBe(true);
    expect(result.tail.split("\n")[0]).toMatch(/^line \d+$/);
    expect(lines).toContain(result.tail.split("\n")[0]);
  });

  it("reads non-dependency failures and service markers from the tail only", async () => {
    const early = "E       AssertionError: assert 1 == 2\n";
    const end = " => ERROR [api 3/5] RUN pytest\nSyntaxError: invalid syntax\n";
    const near = await diagnoseLog(`${early}${"noise\n".repeat(10)}${end}`);
    expect(near.reason).toContain("syntax error");
    expect(near.serviceHints).toEqual(["api"]);
    const far = await diagnoseLog(`${early}${"noise\n".repeat(TAIL_CHARS / 6 + 10)}`);
    expect(far.reason).toBe("no missing dependency found in the log");
  });

  it("stops at the byte cap and says so", async () => {
    const log = `${"noise line\n".repeat(1000)}${TRACEBACK}\n`;
    const capped = await candidates(chunks(log, 4096), 5000);
    expect(capped.result).toMatchObject({ bytesRead: 5000, truncated: true });
    expect(capped.seen).toEqual([]);

    const diagnosis = await diagnoseLog(chunks(log, 4096), { maxBytes: 5000 });
    expect(diagnosis.truncated).toBe(true);
    expect(diagnosis.finding).toBeNull();
    expect(diagnosis.reason).toContain("stopped reading at 4.9 KiB, the size cap");

    const full = await diagnoseLog(chunks(log, 4096), { maxBytes: Buffer.byteLength(log) });
    expect(full.truncated).toBe(false);
    expect(full.finding?.package).toBe("PyYAML");
  });

  it("closes a stream it stops reading", async () => {
    const stream = Readable.from(chunks("noise\n".repeat(100_000), 1000));
    const diagnosis = await diagnoseLog(stream, { maxBytes: 10_000 });
    expect(diagnosis.bytesRead).toBe(10_000);
    expect(stream.destroyed).toBe(true);
  });

  it("accepts strings, Buffers and strings from async iterables, and Node streams", async () => {
    async function* strings() {
      yield "Traceback (most recent call last):\nModuleNotFoundError: No mod";
      yield "ule named 'cv2'\n";
    }
    expect((await diagnoseLog(strings())).finding?.package).toBe("opencv-python");
    expect((await diagnoseLog(Readable.from([Buffer.from(TRACEBACK)]))).finding?.package).toBe("PyYAML");
    expect((await diagnoseLog(TRACEBACK)).finding?.package).toBe("PyYAML");
  });

  it("strips CI timestamps, ANSI colours, CRLF and BuildKit prefixes before matching", async () => {
    const log = [
      "2024-01-01T00:00:00.0000000Z \x1b[36m#12 [api 3/5] RUN pip install -r requirements.txt\x1b[0m\r",
      "2024-01-01T00:00:01.0000000Z #12 4.512 \x1b[31mModuleNotFoundError\x1b[0m: No module named \x1b[1m'sklearn'\x1b[0m\r",
    ].join("\n");
    const diagnosis = await diagnoseLog(log);
    expect(diagnosis.finding?.package).toBe("scikit-learn");
    expect(diagnosis.evidence).toEqual(["ModuleNotFoundError: No module named 'sklearn'"]);
    expect(diagnosis.serviceHints).toEqual(["api"]);
  });
});
