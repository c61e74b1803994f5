/** Line-level helpers shared by the patchers: they edit text, never re-serialise it. */

export type Eol = "\n" | "\r\n";

/** The file's dominant line ending (CRLF only when most line breaks are CRLF). */
export function detectEol(text: string): Eol {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

export interface Line {
  /** The line without its break. */
  text: string;
  /** Offset of the first character of the line in the file. */
  start: number;
  /** Offset just past the line break (or the end of the file for the last line). */
  end: number;
}

/** Physical lines with their offsets; a final newline does not produce an empty last line. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl + 1;
    let body = text.slice(start, nl === -1 ? text.length : nl);
    if (body.endsWith("\r")) body = body.slice(0, -1);
    lines.push({ text: body, start, end });
    start = end;
  }
  return lines;
}

/**
 * Inserts whole lines before the line that starts at `offset` (or at the end of the file), in the
 * file's line-ending style. A file without a final newline keeps having none.
 */
export function insertLines(text: string, offset: number, newLines: string[], eol: Eol): string {
  const block = newLines.join(eol);
  if (offset >= text.length) {
    if (text.length === 0) return block + eol;
    const endsWithNewline = text.endsWith("\n");
    return endsWithNewline ? text + block + eol : text + eol + block;
  }
  return text.slice(0, offset) + block + eol + text.slice(offset);
}

export function leadingWhitespace(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}
