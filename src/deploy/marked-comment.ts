import type { RepoClient } from "../github/types.js";
import { outbound } from "../render/text.js";

/**
 * Creates the comment carrying `marker`, or rewrites the one that already carries it: a redelivered
 * event updates its answer instead of stacking another. Only this app's comments are considered.
 */
export async function upsertMarkedComment(
  client: RepoClient,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<string> {
  const { octokit, owner, repo } = client;
  // The marker goes first so that truncation can never cut it off.
  const text = outbound(`${marker}\n${body}`);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const mine = comments.find((c) => c.user?.type === "Bot" && c.body?.includes(marker));
  if (mine) {
    const { data } = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: mine.id,
      body: text,
    });
    return data.html_url;
  }
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: issueNumber,
    body: text,
  });
  return data.html_url;
}
