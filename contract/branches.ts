/** Branch names the app creates; GitHub deduplicates fixes and reverts for us by them. */

/** Every fix PR's head branch starts with this: `orchestrator/<service>/<fingerprint>`. */
export const FIX_BRANCH_PREFIX = "orchestrator/";

export function fixBranch(service: string, fingerprint: string): string {
  return `${FIX_BRANCH_PREFIX}${service}/${fingerprint}`;
}

export const REVERT_BRANCH_PREFIX = "orchestrator/revert/";

/** Deterministic, so a repeated event lands on the same branch and PR. */
export function revertBranch(mergeSha: string): string {
  return `${REVERT_BRANCH_PREFIX}${mergeSha.slice(0, 7)}`;
}
