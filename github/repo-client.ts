/**
 * The one GitHub layer the app and the runner share: every driver in github/ takes a RepoClient: a
 * repository and any authenticated Octokit, either the Octokit itself (the app's per-event installation
 * Octokit) or a function that hands out the current one (the runner's installation client, which
 * re-mints its token first when needed).
 */
import type { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepoClient extends RepoRef {
  octokit: Octokit | (() => Promise<Octokit>);
}

/** The Octokit to use now. */
export async function octokitOf(client: RepoClient): Promise<Octokit> {
  return typeof client.octokit === "function" ? client.octokit() : client.octokit;
}
