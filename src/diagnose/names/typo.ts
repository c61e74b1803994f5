/**
 * The typo rule. A name that is not in any map and not itself well known is treated as a typo when it is
 * within a small edit distance (insert, delete, substitute, swap two neighbours) of a well-known name:
 *
 *   - known names shorter than 4 characters are never used (too many real packages sit next to them),
 *   - 4 to 7 characters: distance 1 (`reqeusts` -> `requests` is one swap, `lodahs` -> `lodash`),
 *   - 8 and more: distance 2,
 *   - a difference in letter case only always counts (`Yaml` -> `yaml`).
 *
 * Why this is safe: a real package one typo away from a famous one is rare, and the risk is lopsided.
 * Refusing a real one costs a manual PR (or one `maps:` entry); "fixing" a typo installs whatever sits
 * under that name on the registry, which is exactly where typosquatting packages live.
 */

/** Optimal string alignment distance, stopping early once it exceeds `max` (then returns max + 1). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

export function allowedDistance(knownName: string): number {
  if (knownName.length < 4) return 0;
  return knownName.length >= 8 ? 2 : 1;
}

/** The well-known name `name` is probably a misspelling of, or null. `known` must hold exact names. */
export function nearMiss(name: string, known: ReadonlySet<string>): string | null {
  if (known.has(name) || name.length < 3) return null;
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    if (candidate.toLowerCase() === lower) return candidate;
    const max = allowedDistance(candidate);
    if (max === 0) continue;
    const distance = editDistance(lower, candidate.toLowerCase(), max);
    if (distance <= max && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}
