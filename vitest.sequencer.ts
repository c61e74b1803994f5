import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suites that take minutes, longest first. Without a cache of earlier durations (a fresh clone,
 * as in CI) vitest starts the largest files first, and these are small files: left to the end, one of
 * them alone would run for many minutes after everything else has finished.
 */
export const SLOW_SUITES = [
  "test/faults/kill-points-start-rollback.test.ts",
  "test/faults/kill-points-start-first.test.ts",
  "test/faults/kill-points-start.test.ts",
  "test/faults/kill-points-reconcile.test.ts",
  "test/faults/kill-points-rollback.test.ts",
  "test/faults/kill-points-success.test.ts",
];

const rank = (spec: TestSpecification): number => {
  const at = SLOW_SUITES.findIndex((suite) => spec.moduleId.endsWith(suite));
  return at === -1 ? SLOW_SUITES.length : at;
};

/** The known slow suites first, then vitest's own order (by earlier duration, else by size). */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keeps the base order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
