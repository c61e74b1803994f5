import { streamJobLog } from "../github/job-logs.js";
import type { RepoClient } from "../github/types.js";
import type { LogInput } from "./deps.js";

/** One failed CI unit whose log can be diagnosed. `open` is lazy: logs are only fetched when read. */
export interface FailureLog {
  /** Human label, e.g. "workflow CI, job build-api". */
  label: string;
  url: string | null;
  /** Job or check name, used to map the failure to a service. */
  name: string;
  headSha: string;
  open(): Promise<LogInput>;
}

export const OWN_CHECK_PREFIX = "orchestrator /";

export interface RunRef {
  id: number;
  name?: string | null;
  html_url: string;
  head_sha: string;
}

/** The failed jobs of one workflow run, each with a streaming log. */
export async function failedJobsOfRun(client: RepoClient, run: RunRef, max: number): Promise<FailureLog[]> {
  const { octokit, owner, repo } = client;
  const { data } = await octokit.rest.actions.listJobsForWorkflowRun({
    owner,
    repo,
    run_id: run.id,
    filter: "latest",
    per_page: 100,
  });
  return data.jobs
    .filter((job) => job.conclusion === "failure")
    .slice(0, max)
    .map((job) => ({
      label: `workflow ${run.name ?? run.id}, job ${job.name}`,
      url: job.html_url ?? run.html_url,
      name: job.name,
      headSha: run.head_sha,
      open: () => streamJobLog(client, job.id),
    }));
}

export interface CheckRunRef {
  name: string;
  html_url: string | null;
  head_sha: string;
  output: { title: string | null; summary: string | null; text: string | null };
}

/** A failed check run from another CI: its log is what it reported (title, summary, text). */
export function checkRunFailure(check: CheckRunRef): FailureLog {
  const text = [check.output.title, check.output.summary, check.output.text].filter(Boolean).join("\n");
  return {
    label: `check ${check.name}`,
    url: check.html_url,
    name: check.name,
    headSha: check.head_sha,
    open: async () => text,
  };
}

/**
 * The failures to read for a commit, as `/orchestrator fix` sees them: the failed jobs of the most
 * recent failed workflow run on that commit; when Actions has none, failed check runs from other CI
 * (never orchestrator's own, never GitHub Actions' mirrors of its jobs).
 */
export async function failuresForCommit(client: RepoClient, sha: string, max: number): Promise<FailureLog[]> {
  const { octokit, owner, repo } = client;
  const { data: runs } = await octokit.rest.actions.listWorkflowRunsForRepo({
    owner,
    repo,
    head_sha: sha,
    status: "failure",
    per_page: 5,
  });
  const latest = [...runs.workflow_runs].sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  if (latest) {
    const jobs = await failedJobsOfRun(client, latest, max);
    if (jobs.length > 0) return jobs;
  }
  const { data: checks } = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: sha,
    status: "completed",
    filter: "latest",
    per_page: 100,
  });
  return checks.check_runs
    .filter((c) => c.conclusion === "failure" && !isOwnOrActionsCheck(c.name, c.app?.slug))
    .slice(0, max)
    .map((c) =>
      checkRunFailure({ name: c.name, html_url: c.html_url, head_sha: c.head_sha, output: c.output }),
    );
}

export function isOwnOrActionsCheck(name: string, appSlug: string | undefined): boolean {
  return name.startsWith(OWN_CHECK_PREFIX) || appSlug === "github-actions";
}
