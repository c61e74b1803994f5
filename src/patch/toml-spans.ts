/**
 * Just enough of a TOML scanner to find where things are: table bodies, key/value spans and array
 * element spans, with strings and comments skipped correctly. Parsing for meaning is smol-toml's job;
 * this only locates text so that patchers can insert into it.
 */

export interface KeyValueSpan {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

export interface TableSpan {
  /** Offset of the `[` of the header line. */
  headerStart: number;
  /** Offset just past the header line's break. */
  bodyStart: number;
  /** Offset where the next table header starts (or the end of the file). */
  bodyEnd: number;
  entries: KeyValueSpan[];
}

export interface ArrayElementSpan {
  start: number;
  end: number;
  /** Offset of the comma after the element, if any. */
  comma: number | null;
}

/** Finds `[name]` (dotted names compared without spaces or quotes). */
export function findTable(text: string, name: string): TableSpan | null {
  let p = 0;
  let current: { headerStart: number; bodyStart: number; name: string } | null = null;
  let entries: KeyValueSpan[] = [];
  while (p < text.length) {
    p = skipBlank(text, p);
    if (p >= text.length) break;
    if (text[p] === "[") {
      if (current?.name === name) return { ...current, bodyEnd: p, entries };
      const close = text.indexOf("]", p + (text[p + 1] === "[" ? 2 : 1));
      const raw = text.slice(p, close === -1 ? text.length : close + 1);
      const lineEnd = endOfLine(text, p);
      current = { headerStart: p, bodyStart: lineEnd, name: normaliseKey(raw.replace(/^\[+|\]+$/g, "")) };
      entries = [];
      p = lineEnd;
      continue;
    }
    const eq = scanKey(text, p);
    if (eq === -1) throw new Error(`TOML: expected 'key = value' at offset ${p}`);
    const valueStart = skipInline(text, eq + 1);
    const valueEnd = scanValue(text, valueStart);
    entries.push({ key: normaliseKey(text.slice(p, eq)), keyStart: p, valueStart, valueEnd });
    p = endOfLine(text, valueEnd);
  }
  if (current?.name === name) return { ...current, bodyEnd: text.length, entries };
  return null;
}

/** The elements of the array whose `[` is at `open`, and the offset of its `]`. */
export function arrayElements(text: string, open: number): { elements: ArrayElementSpan[]; close: number } {
  if (text[open] !== "[") throw new Error(`TOML: expected an array at offset ${open}`);
  const elements: ArrayElementSpan[] = [];
  let p = open + 1;
  for (;;) {
    p = skipBlank(text, p);
    if (p >= text.length) throw new Error("TOML: unterminated array");
    if (text[p] === "]") return { elements, close: p };
    const start = p;
    const end = scanValue(text, p);
    const element: ArrayElementSpan = { start, end, comma: null };
    elements.push(element);
    p = skipBlank(text, end);
    if (text[p] === ",") {
      element.comma = p;
      p++;
    } else if (text[p] !== "]") {
      throw new Error(`TOML: expected ',' or ']' at offset ${p}`);
    }
  }
}

/** Offset just past the value that starts at `p`. */
export function scanValue(text: string, p: number): number {
  const c = text[p];
  if (text.startsWith('"""', p) || text.startsWith("'''", p)) {
    const quote = text.slice(p, p + 3);
    let q = p + 3;
    for (;;) {
      const close = text.indexOf(quote, q);
      if (close === -1) throw new Error("TOML: unterminated multi-line string");
      if (quote === '"""' && isEscaped(text, close)) {
        q = close + 1;
        continue;
      }
      let end = close + 3;
      while (text[end] === quote[0]) end++; // up to two quotes may belong to the content
      return end;
    }
  }
  if (c === '"') {
    let q = p + 1;
    while (q < text.length && (text[q] !== '"' || isEscaped(text, q))) q++;
    return q + 1;
  }
  if (c === "'") return text.indexOf("'", p + 1) + 1;
  if (c === "[" || c === "{") {
    const close = c === "[" ? "]" : "}";
    let q = p + 1;
    while (q < text.length) {
      q = c === "[" ? skipBlank(text, q) : skipInline(text, q);
      if (text[q] === close) return q + 1;
      if (text[q] === "," || text[q] === "=") {
        q++;
        continue;
      }
      q =
        text[q] === "[" || text[q] === "{" || text[q] === '"' || text[q] === "'"
          ? scanValue(text, q)
          : scanBare(text, q);
    }
    throw new Error(`TOML: unterminated ${c === "[" ? "array" : "inline table"}`);
  }
  return scanBare(text, p);
}

function scanBare(text: string, p: number): number {
  let q = p;
  while (q < text.length && !/[\s,\]}#=]/.test(text[q]!)) q++;
  if (q === p) throw new Error(`TOML: unexpected '${text[p]}' at offset ${p}`);
  return q;
}

/** Offset of the '=' ending a key that starts at `p`, or -1. */
function scanKey(text: string, p: number): number {
  let q = p;
  while (q < text.length && text[q] !== "=" && text[q] !== "\n") {
    if (text[q] === '"' || text[q] === "'") q = scanValue(text, q);
    else q++;
  }
  return text[q] === "=" ? q : -1;
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let q = at - 1; q >= 0 && text[q] === "\\"; q--) n++;
  return n % 2 === 1;
}

/** Skips spaces, tabs, newlines and comments. */
function skipBlank(text: string, p: number): number {
  let q = p;
  for (;;) {
    while (q < text.length && /\s/.test(text[q]!)) q++;
    if (text[q] !== "#") return q;
    while (q < text.length && text[q] !== "\n") q++;
  }
}

/** Skips spaces and tabs only. */
function skipInline(text: string, p: number): number {
  let q = p;
  while (text[q] === " " || text[q] === "\t") q++;
  return q;
}

/** Offset just past the line break of the line containing `p` (comments included). */
export function endOfLine(text: string, p: number): number {
  const nl = text.indexOf("\n", p);
  return nl === -1 ? text.length : nl + 1;
}

/** `"tool" . poetry` -> `tool.poetry`; quoted parts lose their quotes. */
function normaliseKey(raw: string): string {
  return raw
    .split(".")
    .map((part) => part.trim().replace(/^(["'])(.*)\1$/, "$2"))
    .join(".");
}

/** The string value of a TOML basic or literal string literal (simple escapes only). */
export function stringValue(literal: string): string | null {
  const m = /^(["'])(.*)\1$/s.exec(literal.trim());
  if (!m) return null;
  return m[1] === '"' ? m[2]!.replace(/\\(["\\])/g, "$1") : m[2]!;
}
