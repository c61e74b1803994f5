/**
 * Secrets recognised by their shape, registered or not. No pattern relies on a word boundary: a token
 * glued to other text (`%3Dghp_...`, `Bearerghp_...`, `ghp_..._x`) is masked all the same.
 */
export interface TokenShape {
  pattern: RegExp;
  /** The capture group to keep in front of the mask (a header name, a URL scheme). */
  keep?: number;
}

export const TOKEN_SHAPES: TokenShape[] = [
  // Classic PATs, OAuth, user-to-server, server-to-server (installation) and refresh tokens.
  { pattern: /gh[pousr]_[A-Za-z0-9]{30,255}/g },
  { pattern: /github_pat_[A-Za-z0-9_]{22,255}/g },
  // A whole PEM block (what is left when only its end made it into a log tail: maskPemTails).
  { pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g },
  // Credentials in a URL's user-info.
  { pattern: /(?:x-access-token|oauth2|token):[^@\s/]+@/gi },
  { pattern: /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s@/]+@/gi, keep: 1 },
  // Authorization headers, as printed by HTTP clients and git's trace output.
  { pattern: /(authorization:\s*(?:bearer|token|basic)\s+)[^\s"']+/gi, keep: 1 },
  { pattern: /(bearer\s+)[A-Za-z0-9._~+/-]{20,}=*/gi, keep: 1 },
];

const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY-----/g;
const PEM_BODY_LINE = /^[ \t]*[A-Za-z0-9+/=]{16,}[ \t]*\r?$/;

/**
 * The end of a PEM block whose beginning was cut off (a log tail that starts inside a key): the base64
 * lines right before an END line, and the END line, become one mask. Linear in the text's length.
 */
export function maskPemTails(text: string, mask: string): string {
  if (!text.includes("PRIVATE KEY-----")) return text;
  let out = "";
  let from = 0;
  for (const match of text.matchAll(PEM_END)) {
    // From the start of the END line (or the marker itself when text precedes it on its line) ...
    let start = text.lastIndexOf("\n", match.index - 1) + 1;
    if (start < from || text.slice(start, match.index).trim() !== "") start = match.index;
    // ... back over the whole base64 lines before it.
    while (start > from && text[start - 1] === "\n") {
      const prevStart = text.lastIndexOf("\n", start - 2) + 1;
      if (prevStart < from || !PEM_BODY_LINE.test(text.slice(prevStart, start - 1))) break;
      start = prevStart;
    }
    out += text.slice(from, start) + mask;
    from = match.index + match[0].length;
  }
  return out + text.slice(from);
}
