/** Issue and PR comments: posted once, or kept as one comment found again by its hidden marker. */
import { outbound } from "../src/render/text.js";
import { statusOf } from "./errors.js";
import { octokitOf, type RepoClient } from "./repo-client.js";

export interface CommentRef {
  id: number;
  url: string;
}

/** Posts one comment; the body is redacted and fitted under GitHub's limit here, at the exit. */
export async function postComment(client: RepoClient, issueNumber: number, body: string): Promise<string> {
  const octokit = await octokitOf(client);
  const { data } = await octokit.rest.issues.createComment({
    owner: client.owner,
    repo: client.repo,
    issue_number: issueNumber,
    body: outbound(body),
  });
  return data.html_url;
}

export interface MarkedComment {
  issue: number;
  marker: string;
  /** Written after the marker, unless it already starts with it. */
  body: string;
  /** The comment's id from an earlier upsert: updated directly, looked up again when it is gone. */
  known?: number | null;
  /** Consider comments of any author, not only bots' (the runner's deploy comment, found as before). */
  anyAuthor?: boolean;
}

/**
 * Creates the comment carrying `marker`, or rewrites the one that already carries it: a redelivered
 * event updates its answer instead of stacking another. The marker goes first so that truncation can
 * never cut it off.
 */
export async function upsertMarkedComment(client: RepoClient, input: MarkedComment): Promise<CommentRef> {
  const octokit = await octokitOf(client);
  const { owner, repo } = client;
  const body = outbound(input.body.startsWith(input.marker) ? input.body : `${input.marker}\n${input.body}`);
  const update = async (id: number): Promise<CommentRef> => {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    return { id: data.id, url: data.html_url };
  };
  if (input.known != null) {
    try {
      return await update(input.known);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
  const existing = await findMarkedComment(client, input);
  if (existing !== null) return update(existing);
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: input.issue, body });
  return { id: data.id, url: data.html_url };
}

async function findMarkedComment(
  client: RepoClient,
  input: Pick<MarkedComment, "issue" | "marker" | "anyAuthor">,
): Promise<number | null> {
  const octokit = await octokitOf(client);
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: client.owner,
    repo: client.repo,
    issue_number: input.issue,
    per_page: 100,
  })) {
    const found = page.data.find(
      (c) => (input.anyAuthor || c.user?.type === "Bot") && (c.body ?? "").includes(input.marker),
    );
    if (found) return found.id;
  }
  return null;
}
