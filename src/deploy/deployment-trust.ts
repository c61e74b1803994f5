import { isAppBot, type AppIdentity, type UserLike } from "./app-identity.js";
import type { DeploymentPayload } from "../../contract/deployment.js";
import { deploymentSignatureProblem, type SigningKey } from "./signing.js";

/**
 * The one rule both processes apply to a deployment before acting on it (run it, walk back through
 * it, offer a revert for it): created by this App's bot, with a payload the app signed for this
 * repository, environment and commit, at the time the deployment was created. Pure.
 */
export interface DeploymentToCheck {
  repo: string;
  environment: string;
  sha: string;
  createdAt: string;
  creator: UserLike | null;
  payload: DeploymentPayload;
}

export function deploymentTrustProblem(
  deployment: DeploymentToCheck,
  key: SigningKey,
  identity: AppIdentity,
): string | null {
  if (!isAppBot(deployment.creator, identity))
    return `created by ${deployment.creator?.login ? `@${deployment.creator.login}` : "an unknown account"}, not by the app (${identity.botLogin})`;
  const { sig, ...fields } = deployment.payload;
  return deploymentSignatureProblem(
    key,
    { ...fields, repo: deployment.repo, environment: deployment.environment, sha: deployment.sha },
    sig,
    deployment.createdAt,
  );
}
