/**
 * Hidden markers that find a comment again after restarts. One PR comment per deployment is created
 * by the app ("queued") and updated in place by the runner (progress, result).
 */

export function deployCommentMarker(deploymentId: number): string {
  return `<!-- orchestrator:deploy id=${deploymentId} -->`;
}

export function findDeployCommentMarker(body: string | null | undefined): number | null {
  const match = /<!-- orchestrator:deploy id=(\d+) -->/.exec(body ?? "");
  return match ? Number(match[1]) : null;
}

/** The app's one revert offer per rolled-back deployment. */
export function revertOfferMarker(deploymentId: number): string {
  return `<!-- orchestrator:revert-offer deployment=${deploymentId} -->`;
}
