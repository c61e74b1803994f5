import { outbound } from "../render/text.js";
import type { RepoClient } from "./types.js";

/** Posts one comment; the body is redacted and fitted under GitHub's limit here, at the exit. */
export async function postComment(client: RepoClient, issueNumber: number, body: string): Promise<string> {
  const { octokit, owner, repo } = client;
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body: outbound(body),
  });
  return data.html_url;
}

export async function reactEyes(client: RepoClient, commentId: number): Promise<void> {
  const { octokit, owner, repo } = client;
  await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content: "eyes" });
}
