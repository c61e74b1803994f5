/** Check runs, created once and then updated in place, so repeated events never stack duplicates. */
import { outbound } from "../src/render/text.js";
import { statusOf } from "./errors.js";
import { octokitOf, type RepoClient } from "./repo-client.js";

export type CheckConclusion = "success" | "failure" | "neutral" | "action_required";

export interface CheckRunAction {
  label: string;
  identifier: string;
  description: string;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  /** "in_progress" keeps the check pending (a required check then blocks merging). */
  status: "in_progress" | "completed";
  conclusion?: CheckConclusion;
  output: { title: string; summary: string; text: string };
  detailsUrl?: string | null;
  /** Buttons on a completed check run. */
  actions?: CheckRunAction[];
  startedAt?: string;
  completedAt?: string;
  /** The commit was just created by this app: no check run can be on it yet, so skip the lookup. */
  fresh?: boolean;
  /**
   * Identity by id instead of by name: the id from an earlier upsert (null: none yet) and the external
   * id the check run carries, so that one whose create answer was lost is found again. `sentBefore`
   * says a create was sent before; `beforeCreate` runs (and must record that) before one is sent.
   */
  byId?: {
    known: number | null;
    externalId: string;
    sentBefore: boolean;
    beforeCreate(): void;
  };
}

/**
 * Creates the check run on the commit, or updates the one that is already there (by name, or by id
 * with `byId`). All text goes through the redactor and the size limit. Returns the check run's id.
 */
export async function upsertCheckRun(client: RepoClient, input: CheckRunInput): Promise<number> {
  const octokit = await octokitOf(client);
  const { owner, repo } = client;
  const common = {
    owner,
    repo,
    output: {
      title: outbound(input.output.title, 200),
      summary: outbound(input.output.summary),
      text: outbound(input.output.text),
    },
    ...(input.status === "completed"
      ? {
          status: "completed" as const,
          conclusion: input.conclusion ?? "neutral",
          ...(input.completedAt ? { completed_at: input.completedAt } : {}),
          ...(input.actions ? { actions: input.actions } : {}),
        }
      : { status: "in_progress" as const }),
    ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
  };
  const existing = await existingCheckRun(client, input);
  if (existing !== null) {
    try {
      await octokit.rest.checks.update({ ...common, check_run_id: existing });
      return existing;
    } catch (error) {
      if (!input.byId || statusOf(error) !== 404) throw error;
    }
  }
  input.byId?.beforeCreate();
  const { data: created } = await octokit.rest.checks.create({
    ...common,
    name: input.name,
    head_sha: input.headSha,
    ...(input.byId ? { external_id: input.byId.externalId } : {}),
    ...(input.startedAt ? { started_at: input.startedAt } : {}),
  });
  return created.id;
}

async function existingCheckRun(client: RepoClient, input: CheckRunInput): Promise<number | null> {
  if (input.fresh) return null;
  const octokit = await octokitOf(client);
  const query = { owner: client.owner, repo: client.repo, ref: input.headSha, check_name: input.name };
  if (input.byId) {
    if (input.byId.known !== null || !input.byId.sentBefore) return input.byId.known;
    const { data } = await octokit.rest.checks.listForRef({ ...query, filter: "all", per_page: 100 });
    return data.check_runs.find((c) => c.external_id === input.byId!.externalId)?.id ?? null;
  }
  const { data } = await octokit.rest.checks.listForRef({ ...query, filter: "latest" });
  return data.check_runs[0]?.id ?? null;
}
