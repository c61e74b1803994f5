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
    const out: string[] = [];
    // Next position of each break character, searched again only once passed: one scan of the chunk.
    let nextLF = chunk.indexOf("\n", from);
    let nextCR = chunk.indexOf("\r", from);
    while (nextLF >= 0 || nextCR >= 0) {
      const at = nextCR < 0 || (nextLF >= 0 && nextLF < nextCR) ? nextLF : nextCR;
      this.keep(chunk, from, at);
      out.push(this.take());
      from = at + 1;
      if (at === nextCR) {
        if (chunk.charCodeAt(from) === 10) from++;
        else if (from === chunk.length) this.afterCR = true;
        nextCR = chunk.indexOf("\r", from);
      }
      if (nextLF >= 0 && nextLF < from) nextLF = chunk.indexOf("\n", from);
    }
    this.keep(chunk, from, chunk.length);
    return out.join("");
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
