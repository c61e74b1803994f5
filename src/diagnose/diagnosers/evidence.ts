/** Small helpers the diagnosers share to pick evidence lines from the context. */

/** Looks like a line that only quotes the message (an assertion about output, not the failure itself). */
export const QUOTED_IN_ASSERTION =
  /AssertionError|\bassert\b|expect\(|toThrow|toContain|assertIn|assertRaises/;

/** The last line of `before` matching `pattern` and everything after it (at most `max` lines). */
export function fromLast(before: readonly string[], pattern: RegExp, max = 2): string[] {
  for (let i = before.length - 1; i >= 0; i--) {
    if (pattern.test(before[i]!)) return before.slice(i, i + max);
  }
  return [];
}
