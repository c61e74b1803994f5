/** Sends a `repository_dispatch` event to the runner's repository. Thin I/O; the payload comes from runtime-failure.ts. */
import type { GitHubRepo } from "./deployments.js";
import type { RuntimeFailurePayload } from "../../contract/runtime-failure.js";

export async function sendRepositoryDispatch(
  gh: GitHubRepo,
  eventType: string,
  clientPayload: RuntimeFailurePayload,
): Promise<void> {
  const octokit = await gh.octokit();
  await octokit.rest.repos.createDispatchEvent({
    owner: gh.owner,
    repo: gh.repo,
    event_type: eventType,
    client_payload: { ...clientPayload },
  });
}
