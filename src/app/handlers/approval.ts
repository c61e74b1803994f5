import type { Context } from "probot";
import { errorMessage } from "../../../github/errors.js";
import {
  writeApprovalCheck,
  fixPullService,
  refreshApproval,
  type PullLike,
} from "../../approval/fix-check.js";
import type { Trust } from "../../deploy/app-identity.js";
import { clientFor } from "../client.js";
import { loadConfig } from "../load-config.js";

type ApprovalEvent =
  "pull_request.synchronize" | "pull_request_review.submitted" | "pull_request_review.dismissed";

/**
 * Re-evaluates the "orchestrator / approval" check of a fix PR: a review submitted or dismissed, or a
 * push (which resets it, since only reviews of the current head count). Reads the PR fresh so the
 * verdict is about the CURRENT head; any error fails closed.
 */
export async function onApprovalEvent(context: Context<ApprovalEvent>, trust: Trust): Promise<void> {
  const payloadPull = context.payload.pull_request as PullLike;
  const log = context.log.child({ handler: context.name, pr: payloadPull.number });
  const client = clientFor(context, trust, log);
  if (fixPullService(client, payloadPull) === null) {
    log.debug("not an orchestrator fix pull request");
    return;
  }
  const loaded = await loadConfig(context);
  let pull: PullLike;
  try {
    const { data } = await client.octokit.rest.pulls.get({
      owner: client.owner,
      repo: client.repo,
      pull_number: payloadPull.number,
    });
    pull = {
      number: data.number,
      html_url: data.html_url,
      body: data.body,
      head: { sha: data.head.sha, ref: data.head.ref },
    };
  } catch (error) {
    log.warn({ err: errorMessage(error) }, "could not read the pull request: leaving the approval pending");
    await writeApprovalCheck(
      client,
      payloadPull,
      { approved: false, reason: "the pull request could not be read" },
      null,
    );
    return;
  }
  const service = fixPullService(client, pull);
  if (service === null) {
    log.info("the pull request no longer carries orchestrator metadata: leaving the approval pending");
    await writeApprovalCheck(
      client,
      pull,
      { approved: false, reason: "the orchestrator metadata is missing from the PR body" },
      null,
    );
    return;
  }
  if (loaded.status !== "ok") {
    log.warn({ config: loaded.status }, "config missing or invalid: approval stays pending");
    const reason =
      loaded.status === "missing"
        ? ".github/orchestrator.yml is missing"
        : ".github/orchestrator.yml is invalid";
    await writeApprovalCheck(client, pull, { approved: false, reason }, null);
    return;
  }
  await refreshApproval(client, loaded.config, pull, service);
}
