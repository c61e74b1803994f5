/**
 * Cutting text that may hold a secret. Redact first, then cut: a cut through a token leaves a piece
 * that no pattern recognises any more. Where a cut has to come first (a window into a huge line, the
 * kept tail of a stream), the piece at the cut edge is dropped.
 */
import { redact } from "./redactor.js";

/** `text` redacted, then cut to at most `max` characters, `ellipsis` marking the cut. */
export function redactThenCut(text: string, max: number, ellipsis = "…"): string {
  const clean = redact(text);
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - ellipsis.length))}${ellipsis}` : clean;
}

/** A window `[start, end)` into `line` without the partial words at the edges the window cut. */
export function windowWithoutCutWords(line: string, start: number, end: number): string {
  let from = Math.max(0, start);
  let to = Math.min(line.length, end);
  if (from > 0 && !/\s/.test(line[from - 1]!)) {
    const space = line.slice(from, to).search(/\s/);
    from = space === -1 ? to : from + space;
  }
  if (to < line.length && !/\s/.test(line[to]!)) {
    const tail = line.slice(from, to);
    const space = Math.max(tail.lastIndexOf(" "), tail.lastIndexOf("\t"));
    to = space === -1 ? from : from + space;
  }
  return line.slice(from, to);
}

/** The last `max` characters of a stream's output, from a line start (the cut line is dropped). */
export function tailFromLineStart(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = text.slice(-max);
  const newline = tail.indexOf("\n");
  return newline === -1 ? "" : tail.slice(newline + 1);
}
