/**
 * Failures that are not missing dependencies. They never produce a finding; when no missing dependency
 * is found, the last one seen explains what the failure looks like instead.
 */

export type FailureKind = "test assertion failure" | "syntax error" | "network error";

const SIGNALS: { kind: FailureKind; pattern: RegExp }[] = [
  {
    kind: "test assertion failure",
    pattern: /AssertionError|^E\s+assert |expect\(.*\)\.|^\s*(?:FAILED|FAIL) \S/,
  },
  { kind: "syntax error", pattern: /\b(?:SyntaxError|IndentationError|TabError)\b|error TS1\d{3}:/ },
  {
    kind: "network error",
    pattern:
      /Temporary failure in name resolution|Could not resolve host|Name or service not known|\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN)\b|Connection refused|Network is unreachable|TLS handshake timeout|i\/o timeout|Read timed out|No matching distribution found/,
  },
];

/** Literal markers of the patterns above: a line holding none is skipped without running them. */
export const FAILURE_TRIGGERS = [
  "AssertionError",
  "assert ",
  "expect(",
  "FAIL",
  "SyntaxError",
  "IndentationError",
  "TabError",
  "error TS1",
  "Temporary failure in name resolution",
  "Could not resolve host",
  "Name or service not known",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "Connection refused",
  "Network is unreachable",
  "TLS handshake timeout",
  "i/o timeout",
  "Read timed out",
  "No matching distribution found",
];

export interface FailureSignal {
  kind: FailureKind;
  line: string;
}

export function matchFailureSignal(line: string): FailureSignal | null {
  if (!FAILURE_TRIGGERS.some((trigger) => line.includes(trigger))) return null;
  for (const { kind, pattern } of SIGNALS) if (pattern.test(line)) return { kind, line };
  return null;
}
