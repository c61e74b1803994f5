import { deploySteps } from "../pipeline/deploy.js";
import type { DeployEngine } from "./types.js";

/**
 * Compose (v1 or v2) on one host: the adapter over runner/compose and the pipeline's compose steps
 * (build, up or a start-first switch, verify, rollback). Its recovery is the pipeline's own.
 */
export const composeEngine: DeployEngine = {
  name: "compose",
  deploy: (ctx, request) => deploySteps(ctx, request),
};
