import type { OrchestratorConfig } from "../config/schema.js";
import {
  deployTask,
  deploymentPayloadSchema,
  type DeployReason,
  type DeploymentPayload,
} from "../../contract/deployment.js";
import { deploymentSignedText, sign, type SigningKey } from "./signing.js";
import { requireService } from "../config/service.js";

export interface DeployIntent {
  service: string;
  /** Full 40-hex commit SHA: deployments are always of a commit, never of a moving branch. */
  sha: string;
  reason: DeployReason;
  requestedBy: string;
  pr: number | null;
  rollbackOf?: number;
}

/** The body of "create a deployment", without owner/repo. */
export interface DeploymentRequest {
  ref: string;
  task: string;
  environment: string;
  payload: DeploymentPayload;
  auto_merge: false;
  required_contexts: string[];
  description: string;
}

/** What the payload is signed for: the repository (owner/name) and when. */
export interface Seal {
  key: SigningKey;
  repo: string;
  signedAt: Date;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * Builds the deployment the runner will pick up, its payload signed for this repository, environment
 * and commit. Pure; throws on an intent that breaks the contract.
 */
export function buildDeploymentRequest(
  intent: DeployIntent,
  config: OrchestratorConfig,
  seal: Seal,
): DeploymentRequest {
  const service = requireService(config, intent.service).config;
  if (!SHA.test(intent.sha)) throw new Error(`deployments need a full commit SHA, got '${intent.sha}'`);
  const fields = {
    service: intent.service,
    pr: intent.pr,
    reason: intent.reason,
    requested_by: intent.requestedBy,
    ...(intent.rollbackOf !== undefined ? { rollback_of: intent.rollbackOf } : {}),
    signed_at: seal.signedAt.toISOString(),
  };
  const sig = sign(
    seal.key,
    deploymentSignedText({ ...fields, repo: seal.repo, environment: service.environment, sha: intent.sha }),
  );
  const payload = deploymentPayloadSchema.parse({ ...fields, sig });
  return {
    ref: intent.sha,
    task: deployTask(intent.service),
    environment: service.environment,
    payload,
    auto_merge: false,
    required_contexts: [...config.deploy.required_contexts],
    description: describeIntent(intent),
  };
}

/** One line for the environment page, e.g. "orchestrator: deploy api (merge of #12) by @alice". */
export function describeIntent(intent: DeployIntent): string {
  const what =
    intent.reason === "merge"
      ? `merge of #${intent.pr}`
      : intent.reason === "rollback"
        ? `rollback${intent.rollbackOf ? ` of deployment ${intent.rollbackOf}` : ""}`
        : intent.reason;
  return `orchestrator: deploy ${intent.service} (${what}) by @${intent.requestedBy}`.slice(0, 140);
}
