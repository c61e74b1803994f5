import { octokitOf, type RepoClient } from "./repo-client.js";

/** Acknowledges a comment with 👀 before the work it asked for starts. */
export async function reactEyes(client: RepoClient, commentId: number): Promise<void> {
  const octokit = await octokitOf(client);
  await octokit.rest.reactions.createForIssueComment({
    owner: client.owner,
    repo: client.repo,
    comment_id: commentId,
    content: "eyes",
  });
}
