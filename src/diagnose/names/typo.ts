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

/** Three rows of the distance table, reused: the typo rule runs once per distinct name of a log. */
let scratch = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Optimal string alignment distance, stopping early once it exceeds `max` (then returns max + 1). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (scratch[0]!.length <= b.length) {
    const size = 2 * (b.length + 1);
    scratch = [new Int32Array(size), new Int32Array(size), new Int32Array(size)];
  }
  let [prevPrev, prev, row] = scratch as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length]!;
}

export function allowedDistance(knownName: string): number {
  if (knownName.length < 4) return 0;
  return knownName.length >= 8 ? 2 : 1;
}

interface Indexed {
  /** Lower-cased name -> the first known name that lower-cases to it (in the set's order). */
  byLower: Map<string, string>;
  /** Known names of 4+ characters by length, each with its position in the set and allowed distance. */
  byLength: Map<number, { lower: string; name: string; max: number; index: number }[]>;
}

const INDEXES = new WeakMap<ReadonlySet<string>, Indexed>();
const MAX_ALLOWED_DISTANCE = 2;

/** The known names by lower case and by length, built once per set. */
function indexed(known: ReadonlySet<string>): Indexed {
  let index = INDEXES.get(known);
  if (!index) {
    index = { byLower: new Map(), byLength: new Map() };
    let position = 0;
    for (const name of known) {
      const lower = name.toLowerCase();
      if (!index.byLower.has(lower)) index.byLower.set(lower, name);
      const max = allowedDistance(name);
      if (max > 0) {
        const bucket = index.byLength.get(lower.length) ?? [];
        bucket.push({ lower, name, max, index: position });
        index.byLength.set(lower.length, bucket);
      }
      position++;
    }
    INDEXES.set(known, index);
  }
  return index;
}

/**
 * The well-known name `name` is probably a misspelling of, or null. `known` must hold exact names.
 * A name differing only in case wins; else the closest name within its allowed distance (the first in
 * the set's order on a tie). Only known names of a length within reach are compared, and a comparison
 * allocates nothing, so a log full of distinct unknown names (a hostile one) stays cheap to read.
 */
export function nearMiss(name: string, known: ReadonlySet<string>): string | null {
  if (known.has(name) || name.length < 3) return null;
  const lower = name.toLowerCase();
  const { byLower, byLength } = indexed(known);
  const caseOnly = byLower.get(lower);
  if (caseOnly !== undefined) return caseOnly;
  let best: { name: string; distance: number; index: number } | null = null;
  for (
    let length = lower.length - MAX_ALLOWED_DISTANCE;
    length <= lower.length + MAX_ALLOWED_DISTANCE;
    length++
  ) {
    for (const candidate of byLength.get(length) ?? []) {
      if (Math.abs(length - lower.length) > candidate.max) continue;
      const distance = editDistance(lower, candidate.lower, candidate.max);
      if (distance > candidate.max) continue;
      if (!best || distance < best.distance || (distance === best.distance && candidate.index < best.index))
        best = { name: candidate.name, distance, index: candidate.index };
    }
  }
  return best?.name ?? null;
}
