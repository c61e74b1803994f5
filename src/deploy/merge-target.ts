import type { OrchestratorConfig } from "../config/schema.js";
import type { FixMeta } from "../render/meta-marker.js";
import { servicesHoldingAll } from "./service-folders.js";
import { ORCHESTRATOR_LABEL } from "../../contract/labels.js";
import { resolveService } from "../config/service.js";

export interface MergedPullFacts {
  labels: string[];
  /** The app's signed marker of the PR (pull-meta.ts), or null when it has none it can trust. */
  meta: FixMeta | null;
  /** Every path the PR changed (for renames: both names). */
  files: string[];
}

/**
 * What a merge means for deploys. Pure.
 * - "skip": not ours to deploy (silently: no comment, only a log line saying why);
 * - "refuse": ours, but it cannot be deployed as it is (the answer is a PR comment saying why);
 * - "deploy": the service to deploy, and whether the fix-PR policy must be re-checked on the diff.
 */
export type MergeTarget =
  | { kind: "skip"; why: string }
  | { kind: "refuse"; why: string }
  | { kind: "deploy"; service: string; origin: "orchestrator" | "deploy_on_merge" };

/** An orchestrator PR carries the app's signed meta marker or the `orchestrator` label. */
export function isOrchestratorPull(pull: Pick<MergedPullFacts, "labels" | "meta">): boolean {
  return pull.meta !== null || pull.labels.includes(ORCHESTRATOR_LABEL);
}

export function mergeTarget(pull: MergedPullFacts, config: OrchestratorConfig): MergeTarget {
  const configured = Object.keys(config.services);
  const meta = pull.meta;
  const holding = servicesHoldingAll(pull.files, config);

  if (isOrchestratorPull(pull)) {
    // The meta marker names the service; a PR that only carries the label must name it by its files.
    const service = meta?.service ?? (holding.length === 1 ? holding[0]! : null);
    if (service === null) {
      return {
        kind: "refuse",
        why:
          holding.length === 0
            ? `the changes are not inside one configured service folder (${configured.join(", ")})`
            : `the changes are inside several service folders (${holding.join(", ")}); deploy one with \`/orchestrator deploy <service>\``,
      };
    }
    if (!resolveService(config, service)) {
      return {
        kind: "refuse",
        why: `the PR names service \`${service}\`, which is not configured (configured: ${configured.join(", ")})`,
      };
    }
    return { kind: "deploy", service, origin: "orchestrator" };
  }

  if (!config.deploy_on_merge)
    return { kind: "skip", why: "not an orchestrator PR, and deploy_on_merge is off" };
  if (holding.length === 1) return { kind: "deploy", service: holding[0]!, origin: "deploy_on_merge" };
  return {
    kind: "skip",
    why:
      holding.length === 0
        ? "deploy_on_merge: the changes are not all inside one configured service folder"
        : `deploy_on_merge: the changes are inside several service folders (${holding.join(", ")})`,
  };
}
