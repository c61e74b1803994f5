import type { Probot } from "probot";
import type { Trust } from "../../deploy/app-identity.js";
import { trustFor } from "../trust.js";
import { withRedactedToken } from "../register.js";
import { onDeployCheckAction } from "./deploy-check-action.js";
import { onMergedPull } from "./deploy-merge.js";
import { onDeploymentStatus } from "./deploy-revert-offer.js";

/**
 * The deploy half's webhooks. Needs the app permissions deployments: write, contents: write,
 * pull_requests: write, issues: write, checks: read, and the events pull_request, check_run,
 * deployment_status. The deploy, rollback, status and retry commands live with the others in src/commands/.
 */
export function registerDeployHandlers(app: Probot, trust: Trust = trustFor(app)): void {
  app.on("pull_request.closed", (context) => onMergedPull(withRedactedToken(context), trust));
  app.on("check_run.requested_action", (context) => onDeployCheckAction(withRedactedToken(context), trust));
  app.on("deployment_status", (context) => onDeploymentStatus(withRedactedToken(context), trust));
}
