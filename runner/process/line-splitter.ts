const CR_BREAK = /\r\n?/g;

function nextBreak(text: string, from: number): number {
  const lf = text.indexOf("\n", from);
  const cr = text.indexOf("\r", from);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

/** Longest line kept whole by default (characters); the rest of a longer line is dropped and counted. */
export const DEFAULT_MAX_LINE = 64 * 1024;

/**
 * Splits a stream of text chunks into lines, in time linear in the input: `\n`, `\r` (progress bars)
 * and `\r\n` (one break, even when split across two chunks) all end a line. `push` returns the lines
 * completed by the chunk, each ending in `\n`; the unfinished rest waits, at most `maxLine` characters
 * of it. A longer line is emitted cut, with a marker saying how much was dropped.
 */
export class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private dropped = 0;
  /** The last chunk ended in `\r`: a `\n` starting the next one belongs to that break. */
  private afterCR = false;

  constructor(private readonly maxLine = DEFAULT_MAX_LINE) {
    if (!Number.isInteger(maxLine) || maxLine < 1)
      throw new Error(`LineSplitter: maxLine must be a positive integer, got ${maxLine}`);
  }

  /** Characters of the unfinished line held in memory (never more than `maxLine`). */
  get pendingLength(): number {
    return this.length;
  }

  push(chunk: string): string {
    let from = 0;
    if (this.afterCR && chunk.startsWith("\n")) from = 1;
    if (chunk.length > 0) this.afterCR = false;
    return chunk.length <= this.maxLine ? this.pushShort(chunk, from) : this.pushLong(chunk, from);
  }

  /**
   * A chunk no longer than the cap: no line inside it can be too long, so everything between its
   * first and last break is emitted in one piece, breaks normalized to `\n`.
   */
  private pushShort(chunk: string, from: number): string {
    const first = nextBreak(chunk, from);
    if (first < 0) {
      this.keep(chunk, from, chunk.length);
      return "";
    }
    this.keep(chunk, from, first);
    let out = this.take();
    from = this.afterBreak(chunk, first);
    const last = Math.max(chunk.lastIndexOf("\n"), chunk.lastIndexOf("\r"));
    if (last >= from) {
      out += chunk.slice(from, last + 1).replace(CR_BREAK, "\n");
      from = this.afterBreak(chunk, last);
    }
    this.keep(chunk, from, chunk.length);
    return out;
  }

  /** Any chunk, line by line, so that the cap applies inside it too. */
  private pushLong(chunk: string, from: number): string {
    const out: string[] = [];
    // Next position of each break character, searched again only once passed: one scan of the chunk.
    let nextLF = chunk.indexOf("\n", from);
    let nextCR = chunk.indexOf("\r", from);
    while (nextLF >= 0 || nextCR >= 0) {
      const at = nextCR < 0 || (nextLF >= 0 && nextLF < nextCR) ? nextLF : nextCR;
      this.keep(chunk, from, at);
      out.push(this.take());
      from = this.afterBreak(chunk, at);
      if (nextCR >= 0 && nextCR < from) nextCR = chunk.indexOf("\r", from);
      if (nextLF >= 0 && nextLF < from) nextLF = chunk.indexOf("\n", from);
    }
    this.keep(chunk, from, chunk.length);
    return out.join("");
  }

  /** Where the text after the break at `at` starts: `\r\n` is one break, also across chunks. */
  private afterBreak(chunk: string, at: number): number {
    if (chunk.charCodeAt(at) !== 13) return at + 1;
    if (at + 1 === chunk.length) this.afterCR = true;
    return chunk.charCodeAt(at + 1) === 10 ? at + 2 : at + 1;
  }

  /** The unfinished last line, if any, with its newline. */
  flush(): string {
    this.afterCR = false;
    return this.length > 0 || this.dropped > 0 ? this.take() : "";
  }

  private keep(chunk: string, from: number, to: number): void {
    if (to <= from) return;
    const room = this.maxLine - this.length;
    const take = Math.min(room, to - from);
    if (take > 0) {
      this.parts.push(from === 0 && take === chunk.length ? chunk : chunk.slice(from, from + take));
      this.length += take;
    }
    this.dropped += to - from - take;
  }

  private take(): string {
    const line = this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
    const marker =
      this.dropped > 0 ? ` [line cut at ${this.maxLine} characters: ${this.dropped} more dropped]` : "";
    this.parts = [];
    this.length = 0;
    this.dropped = 0;
    return `${line}${marker}\n`;
  }
}
