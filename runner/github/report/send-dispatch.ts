/** Sends a `repository_dispatch` event to the runner's repository. Thin I/O; the payload comes from runtime-failure.ts. */
import { octokitOf, type RepoClient } from "../../../github/repo-client.js";
import type { RuntimeFailurePayload } from "../../../contract/runtime-failure.js";

export async function sendRepositoryDispatch(
  gh: RepoClient,
  eventType: string,
  clientPayload: RuntimeFailurePayload,
): Promise<void> {
  const octokit = await octokitOf(gh);
  await octokit.rest.repos.createDispatchEvent({
    owner: gh.owner,
    repo: gh.repo,
    event_type: eventType,
    client_payload: { ...clientPayload },
  });
}
