import { statusOf } from "../../github/errors.js";
import type { AppClient } from "./app-client.js";

export interface PullRef {
  number: number;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
}

/** Pull requests whose head is `branch` in this repository, newest first (any state). */
export async function pullsForBranch(client: AppClient, branch: string): Promise<PullRef[]> {
  const { octokit, owner, repo } = client;
  const { data } = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    state: "all",
    per_page: 20,
  });
  return data.map((p) => ({
    number: p.number,
    url: p.html_url,
    state: p.state === "open" ? "open" : "closed",
    merged: Boolean(p.merged_at),
    headSha: p.head.sha,
  }));
}

/**
 * Opens a PR for `branch`, or returns the open one when GitHub says it already exists (a concurrent
 * twin won the race).
 */
export async function openPull(
  client: AppClient,
  input: { branch: string; title: string; body: string },
): Promise<{ pull: PullRef; created: boolean }> {
  const { octokit, owner, repo, defaultBranch, log } = client;
  try {
    const { data } = await octokit.rest.pulls.create({
      owner,
      repo,
      head: input.branch,
      base: defaultBranch,
      title: input.title,
      body: input.body,
    });
    return {
      pull: { number: data.number, url: data.html_url, state: "open", merged: false, headSha: data.head.sha },
      created: true,
    };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const open = (await pullsForBranch(client, input.branch)).find((p) => p.state === "open");
    if (!open) throw error;
    log.info(
      { branch: input.branch, pr: open.number },
      "a pull request for this branch already exists: converging on it",
    );
    return { pull: open, created: false };
  }
}

export async function addLabel(client: AppClient, issueNumber: number, label: string): Promise<void> {
  const { octokit, owner, repo } = client;
  await octokit.rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels: [label] });
}
