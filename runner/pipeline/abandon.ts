import { appendArtifact } from "../artifacts/artifacts.js";
import type { DeployResult } from "../journal/events.js";
import type { RunView } from "../journal/run-view.js";
import type { RunContext } from "./run-context.js";
import { finishRun, restoreWorkspace } from "./steps.js";

/**
 * Finishes a run that stopped before `up`: the running container was never touched, but a build that
 * got far enough has moved the service's image tag to an image nobody verified (a later `up` or a
 * host reboot would start it). Point the tag back at the image that runs, put the workspace back, and
 * journal a failure. Every part is idempotent, so a runner killed here does it again on restart.
 */
export async function abandonRun(ctx: RunContext, view: RunView, why: string): Promise<DeployResult> {
  const notes: string[] = [];
  const point = ctx.rollbackPoint;
  if (view.startedSteps.includes("build") && point && ctx.serviceImage) {
    const tagged = await ctx.docker.imageId(ctx.serviceImage).catch(() => null);
    if (tagged !== point.imageId) {
      try {
        await ctx.docker.tagImage(point.imageId, ctx.serviceImage);
        appendArtifact(ctx.dir, "rollback.log", `tagged ${point.imageId} as ${ctx.serviceImage} again`);
        notes.push(`${ctx.serviceImage} points at the running image again`);
      } catch (error) {
        notes.push(
          `re-tagging ${ctx.serviceImage} as the running image failed (${error instanceof Error ? error.message : String(error)}): it still names the unverified build`,
        );
      }
    }
  }
  const workspaceSha = view.workspaceHeadBefore ? await restoreWorkspace(ctx) : null;
  return finishRun(ctx, {
    status: "failed",
    reason: [`${why}; the running container was not touched`, ...notes].join("; "),
    workspaceSha,
  });
}
