import { redact } from "../redact/redactor.js";

/**
 * Markdown building blocks shared by every outbound text. Pure functions; `outbound` is the single exit:
 * redact first (so truncation never cuts a secret into an unrecognisable piece), then fit under
 * GitHub's body limit.
 */

/** GitHub refuses comment/PR bodies over 65,536 characters and check-run texts over 65,535. */
export const GITHUB_TEXT_LIMIT = 65_535;
/** Our budget, leaving room for the truncation note. */
export const DEFAULT_TEXT_BUDGET = 65_000;

/**
 * Breaks HTML comment syntax (`<!--`, `-->`) in untrusted text with a zero-width space, so a log line
 * or a job name can never open, close or forge a hidden marker. It reads the same on GitHub.
 */
export function neutralizeMarkers(text: string): string {
  return text.replace(/<!--/g, "<!\u200b--").replace(/--(!?)>/g, "--\u200b$1>");
}

/** A fenced code block whose fence is longer than any backtick run inside, so content cannot close it. */
export function codeBlock(raw: string, lang = ""): string {
  const text = neutralizeMarkers(raw);
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/** A collapsed section. */
export function details(summary: string, body: string, open = false): string {
  return `<details${open ? " open" : ""}>\n<summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** Inline code for untrusted short text (backticks and newlines removed). */
export function inlineCode(text: string): string {
  return `\`${neutralizeMarkers(text).replace(/[`\r\n]/g, " ")}\``;
}

/**
 * Text a fork or a log controls (workflow, job and step names, branch names, paths and lines from logs),
 * rendered as inline code: the backtick fence is longer than any backtick run inside, so the text cannot
 * close the span and nothing in it renders as a link, image, heading or HTML; `@mentions` and `<!--` are
 * neutralised too, for the surfaces that show text unrendered (titles, commit messages, notifications).
 */
export function userCode(text: string): string {
  const flat = neutralise(text.replace(/\r\n?|\n/g, " "));
  if (flat.length === 0) return "_(empty)_";
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  // A span that starts or ends with a backtick (or a space) needs a space of padding, which GitHub strips.
  const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Zero-width space after `@` of a would-be mention and inside comment syntax, so neither does anything. */
export function neutralise(text: string): string {
  return neutralizeMarkers(text.replace(/@(?=[A-Za-z0-9_-])/g, "@\u200B"));
}

/** A link target that cannot break out of `(...)` or be a `javascript:` URL; null when it is not http(s). */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  return parsed.toString().replace(/[()<> "'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts `text` to at most `limit` characters at a line boundary, closes a code fence or <details> left
 * open by the cut, and says how much was left out.
 */
export function fitText(text: string, limit = DEFAULT_TEXT_BUDGET): string {
  if (text.length <= limit) return text;
  const note = (n: number) =>
    `\n\n_... ${n} characters truncated (GitHub limits this text to ${limit} characters)._`;
  // Reserve room for closers and the note; 200 characters is ample for both.
  const budget = Math.max(0, limit - 200);
  let cut = text.lastIndexOf("\n", budget);
  if (cut < budget / 2) cut = budget;
  let head = text.slice(0, cut);
  const closers: string[] = [];
  const fence = openFence(head);
  if (fence) closers.push(fence);
  const openDetails = countOf(head, /<details[\s>]/g) - countOf(head, /<\/details>/g);
  for (let i = 0; i < openDetails; i++) closers.push("</details>");
  head = `${head}\n${closers.join("\n")}`;
  const result = `${head}${note(text.length - cut)}`;
  return result.length <= limit ? result : result.slice(0, limit);
}

/** The fence that is still open at the end of `text`, if any. */
function openFence(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split("\n")) {
    const m = /^(`{3,}|~{3,})/.exec(line.trim());
    if (!m) continue;
    const fence = m[1]!;
    if (open === null) open = fence;
    else if (fence.startsWith(open) && line.trim() === fence) open = null;
  }
  return open;
}

function countOf(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

/** The single exit for text leaving the app: redacted, then fitted under the limit. */
export function outbound(text: string, limit = DEFAULT_TEXT_BUDGET): string {
  return fitText(redact(text), limit);
}
