import { outbound } from "../render/text.js";
import type { CheckOutput } from "../render/fix-story.js";
import type { RepoClient } from "./types.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "action_required";

export interface CheckRunInput {
  name: string;
  headSha: string;
  /** "in_progress" keeps the check pending (a required check then blocks merging). */
  status: "in_progress" | "completed";
  conclusion?: CheckConclusion;
  output: CheckOutput;
  detailsUrl?: string;
  /** The commit was just created by this app: no check run can be on it yet, so skip the lookup. */
  fresh?: boolean;
}

/**
 * Creates the named check run on a commit, or updates the one that is already there, so repeated
 * events never stack duplicates. All text goes through the redactor and the size limit.
 */
export async function upsertCheckRun(client: RepoClient, input: CheckRunInput): Promise<number> {
  const { octokit, owner, repo } = client;
  const existing = input.fresh
    ? undefined
    : (
        await octokit.rest.checks.listForRef({
          owner,
          repo,
          ref: input.headSha,
          check_name: input.name,
          filter: "latest",
        })
      ).data.check_runs[0];
  const output = {
    title: outbound(input.output.title, 200),
    summary: outbound(input.output.summary),
    text: outbound(input.output.text),
  };
  const completion =
    input.status === "completed"
      ? { status: "completed" as const, conclusion: input.conclusion ?? "neutral" }
      : { status: "in_progress" as const };
  if (existing) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: existing.id,
      ...completion,
      output,
      ...detailsUrl(input),
    });
    return existing.id;
  }
  const { data: created } = await octokit.rest.checks.create({
    owner,
    repo,
    name: input.name,
    head_sha: input.headSha,
    ...completion,
    output,
    ...detailsUrl(input),
  });
  return created.id;
}

function detailsUrl(input: CheckRunInput): { details_url?: string } {
  return input.detailsUrl ? { details_url: input.detailsUrl } : {};
}
