import { StringDecoder } from "node:string_decoder";

/** What `diagnoseLog` accepts: a whole log, a Node stream, or any async iterable of chunks. */
export type LogInput = NodeJS.ReadableStream | AsyncIterable<Buffer | string> | string;

/** Longest line kept whole; the rest of a longer line is skipped (its head is still scanned). */
export const MAX_LINE_CHARS = 64 * 1024;
export const CONTEXT_LINES = 16;
export const MAX_CONTEXT_LINE_CHARS = 2048;
const STRING_SLICE_CHARS = 1 << 20;
const DECODE_SLICE_BYTES = 64 * 1024;
/** How much of the end of the log is kept for the final look (service hints, non-dependency failures). */
export const TAIL_CHARS = 256 * 1024;

/** Raw neighbour lines of a candidate line, computed only when asked for. */
export interface RawContext {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

export interface ScanOptions {
  maxBytes: number;
  /** The input starts in the middle of a line (a read from an offset): its first partial line is dropped. */
  startsMidLine?: boolean;
  /** The lines just before the input (a window of a file read from its end): context for its first lines. */
  beforeContext?: readonly string[];
  /** The lines just after the input (the start of the newer window): context for its last lines. */
  afterContext?: readonly string[];
  /** Keep the last TAIL_CHARS for `tail` (default true); an older window of a file does not need them. */
  keepTail?: boolean;
  /** A global regex of cheap literals; only lines it matches reach `onLine`. */
  prefilter: RegExp;
  /** `matchIndex` is where the prefilter matched inside `line`. */
  onLine(line: string, matchIndex: number, context: RawContext): void;
}

export interface ScanResult {
  bytesRead: number;
  truncated: boolean;
  /** The last lines read, at most TAIL_CHARS characters, starting at a line boundary. */
  tail: string;
}

/**
 * Streams a log chunk by chunk: decodes UTF-8 across chunk boundaries, keeps only the partial last line,
 * a few lines of context between chunks and the last TAIL_CHARS of text, and hands the prefilter's
 * candidate lines to `onLine`. Memory stays at about one chunk plus one line, whatever the log's size.
 */
export async function scanLines(input: LogInput, options: ScanOptions): Promise<ScanResult> {
  const decoder = new StringDecoder("utf8");
  let bytesRead = 0;
  let truncated = false;
  let pending = "";
  let skipping = options.startsMidLine ?? false;
  let tail: string[] = (options.beforeContext ?? []).slice(-CONTEXT_LINES).map(cap);
  // The last regions, oldest first, holding at least TAIL_CHARS once the log is that long.
  let recent: string[] = [];
  let recentChars = 0;

  // What follows the text being scanned: the first lines of the next slice of the same chunk, or what the
  // caller knows follows the input.
  let next: readonly string[] = options.afterContext ?? [];

  const scanRegion = (text: string): void => {
    // Colour codes are stripped later, from candidate lines only: scanning stays one regex pass.
    const prefilter = options.prefilter;
    prefilter.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = prefilter.exec(text)) !== null) {
      const start = text.lastIndexOf("\n", match.index) + 1;
      let end = text.indexOf("\n", match.index);
      if (end < 0) end = text.length;
      options.onLine(
        text.slice(start, end),
        match.index - start,
        new LazyContext(text, start, end, tail, next),
      );
      if (end >= text.length) break;
      prefilter.lastIndex = end + 1;
    }
    const last = lastLines(text, CONTEXT_LINES);
    // Short regions (tiny chunks) keep the older tail lines too.
    tail = last.length < CONTEXT_LINES ? [...tail, ...last].slice(-CONTEXT_LINES) : last;
    if (options.keepTail === false) return;
    recent.push(text);
    recentChars += text.length + 1;
    while (recent.length > 1 && recentChars - recent[0]!.length - 1 >= TAIL_CHARS) {
      recentChars -= recent.shift()!.length + 1;
    }
  };

  const feed = (decoded: string): void => {
    let text = decoded;
    if (skipping) {
      const newline = text.indexOf("\n");
      if (newline < 0) return;
      text = text.slice(newline + 1);
      skipping = false;
    }
    const data = pending + text;
    const lastNewline = data.lastIndexOf("\n");
    if (lastNewline >= 0) {
      scanRegion(data.slice(0, lastNewline));
      pending = data.slice(lastNewline + 1);
    } else {
      pending = data;
    }
    if (pending.length > MAX_LINE_CHARS) {
      // An over-long line: scan its head now, drop the rest up to the next newline.
      scanRegion(pending.slice(0, MAX_LINE_CHARS));
      pending = "";
      skipping = true;
    }
  };

  for await (const chunk of chunksOf(input)) {
    const whole = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    // Decoded in slices small enough for the young generation: their text dies young instead of piling
    // up in the large-object space until a full GC, so memory stays bounded whatever the chunk size.
    // Each slice ends just after a newline where it has one: no partial line is carried over to be
    // joined with (and copied into) the next slice's text.
    for (let at = 0; at < whole.length && !truncated;) {
      let end = Math.min(at + DECODE_SLICE_BYTES, whole.length);
      if (end < whole.length) {
        const newline = whole.lastIndexOf(0x0a, end - 1);
        if (newline >= at) end = newline + 1;
      }
      let bytes = whole.subarray(at, end);
      next =
        end < whole.length && whole[end - 1] === 0x0a
          ? linesAt(whole, end, CONTEXT_LINES)
          : (options.afterContext ?? []);
      at = end;
      if (bytesRead + bytes.length > options.maxBytes) {
        bytes = bytes.subarray(0, options.maxBytes - bytesRead);
        truncated = true;
      }
      bytesRead += bytes.length;
      feed(decoder.write(bytes));
    }
    if (truncated) break; // leaving the loop closes the stream
  }
  feed(decoder.end());
  if (pending && !skipping) scanRegion(pending);
  let joined = recent.join("\n");
  if (joined.length > TAIL_CHARS) {
    joined = joined.slice(-TAIL_CHARS);
    joined = joined.slice(joined.indexOf("\n") + 1);
  }
  recent = [];
  return { bytesRead, truncated, tail: joined };
}

async function* chunksOf(input: LogInput): AsyncIterable<Buffer | string> {
  if (typeof input === "string") {
    for (let i = 0; i < input.length;) {
      let end = Math.min(i + STRING_SLICE_CHARS, input.length);
      const code = input.charCodeAt(end - 1);
      if (end < input.length && code >= 0xd800 && code <= 0xdbff) end++; // keep surrogate pairs whole
      yield input.slice(i, end);
      i = end;
    }
    return;
  }
  yield* input as AsyncIterable<Buffer | string>;
}

/**
 * The neighbour lines of one candidate line, computed on first use. A class (getters on the prototype)
 * rather than an object literal with getters: one small allocation per candidate line, which a busy
 * scan leaves to the young generation.
 */
class LazyContext implements RawContext {
  private beforeLines: string[] | null = null;
  private afterLines: string[] | null = null;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly tail: readonly string[],
    private readonly next: readonly string[],
  ) {}

  get before(): readonly string[] {
    if (!this.beforeLines) {
      const { text, start, tail } = this;
      const before: string[] = [];
      let cursor = start - 1; // the newline ending the previous line
      while (before.length < CONTEXT_LINES && cursor >= 0) {
        const lineStart = cursor === 0 ? 0 : text.lastIndexOf("\n", cursor - 1) + 1;
        before.unshift(cap(text.slice(lineStart, cursor)));
        cursor = lineStart - 1;
      }
      if (before.length < CONTEXT_LINES) before.unshift(...tail.slice(-(CONTEXT_LINES - before.length)));
      this.beforeLines = before;
    }
    return this.beforeLines;
  }

  get after(): readonly string[] {
    if (!this.afterLines) {
      const { text, end, next } = this;
      const after: string[] = [];
      let cursor = end + 1;
      while (after.length < CONTEXT_LINES && cursor <= text.length && end < text.length) {
        let lineEnd = text.indexOf("\n", cursor);
        if (lineEnd < 0) lineEnd = text.length;
        after.push(cap(text.slice(cursor, lineEnd)));
        cursor = lineEnd + 1;
      }
      // A region that ends with the input's last line: the caller may know what follows it.
      if (after.length < CONTEXT_LINES && cursor >= text.length)
        after.push(...next.slice(0, CONTEXT_LINES - after.length).map(cap));
      this.afterLines = after;
    }
    return this.afterLines;
  }
}

/** The first `count` lines of `bytes` from `from` (a line start), each cut at MAX_CONTEXT_LINE_CHARS. */
export function linesAt(bytes: Buffer, from: number, count: number): string[] {
  const lines: string[] = [];
  let cursor = from;
  while (lines.length < count && cursor < bytes.length) {
    let end = bytes.indexOf(0x0a, cursor);
    if (end < 0) end = bytes.length;
    lines.push(bytes.toString("utf8", cursor, Math.min(end, cursor + MAX_CONTEXT_LINE_CHARS)));
    cursor = end + 1;
  }
  return lines;
}

function lastLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let end = text.length;
  while (lines.length < count && end >= 0) {
    const start = end === 0 ? 0 : text.lastIndexOf("\n", end - 1) + 1;
    lines.unshift(cap(text.slice(start, end)));
    if (start === 0) break;
    end = start - 1;
  }
  return lines;
}

function cap(line: string): string {
  return line.length > MAX_CONTEXT_LINE_CHARS ? line.slice(0, MAX_CONTEXT_LINE_CHARS) : line;
}
