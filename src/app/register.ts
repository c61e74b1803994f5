import type { Context, Probot } from "probot";
import { redactor } from "../redact/redactor.js";
import type { AppDepsInput } from "./deps.js";
import { onApprovalEvent } from "./handlers/approval.js";
import { onCheckRun } from "./handlers/check-run.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onRepositoryDispatch } from "./handlers/repository-dispatch.js";
import { onWorkflowRun } from "./handlers/workflow-run.js";
import { trustFor } from "./trust.js";

/**
 * Registers the fix half's handlers. Every handler's client registers the installation token it
 * mints with the redactor before its first request, so the token can never be echoed back out.
 */
export function registerHandlers(app: Probot, input: AppDepsInput): void {
  // PRIVATE_KEY, WEBHOOK_SECRET and friends, as the process sees them now.
  redactor.addFromEnv();
  const deps = { ...input, trust: input.trust ?? trustFor(app) };
  app.on("issue_comment.created", (context) => onIssueComment(withRedactedToken(context), deps));
  app.on("workflow_run.completed", (context) => onWorkflowRun(withRedactedToken(context), deps));
  app.on("check_run.completed", (context) => onCheckRun(withRedactedToken(context), deps));
  app.on("repository_dispatch", (context) => onRepositoryDispatch(withRedactedToken(context), deps));
  app.on(
    ["pull_request.synchronize", "pull_request_review.submitted", "pull_request_review.dismissed"],
    (context) => onApprovalEvent(withRedactedToken(context), deps.trust),
  );
}

/** Hooks the context's client: before its first request, mint (or reuse) the token and register it. */
export function withRedactedToken<C extends Pick<Context, "octokit">>(context: C): C {
  let registered = false;
  context.octokit.hook.before("request", async () => {
    if (registered) return;
    registered = true;
    const auth = (await context.octokit.auth({ type: "installation" })) as { token?: unknown };
    if (typeof auth.token === "string") redactor.add(auth.token);
  });
  return context;
}
