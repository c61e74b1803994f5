import { streamJobLog } from "../github/job-logs.js";
import type { AppClient } from "../github/app-client.js";
import type { LogInput } from "../diagnose/line-scanner.js";
import { errorMessage } from "../../github/errors.js";

/** One failed CI unit whose log can be diagnosed. `open` is lazy: logs are only fetched when read. */
export interface FailureLog {
  /** Human label, e.g. "workflow CI, job build-api". */
  label: string;
  url: string | null;
  /** Job or check name, used to map the failure to a service. */
  name: string;
  headSha: string;
  /**
   * Where the failing code came from. "fork": a pull request from another repository, whose author
   * controls the log, so no fix is opened automatically. "unknown": the event did not say (check runs of
   * other CI): the automatic path asks whether the commit is the head of a branch of this repository.
   * Absent for reports that do not come from CI (the runner's runtime failures).
   */
  origin?: { kind: "base" } | { kind: "fork"; repository: string | null } | { kind: "unknown" };
  open(): Promise<LogInput>;
}

export const OWN_CHECK_PREFIX = "orchestrator /";

export interface RunRef {
  id: number;
  name?: string | null;
  html_url: string;
  head_sha: string;
  /** The repository the run's code came from (a fork for a fork's pull request); null when deleted. */
  head_repository?: { id?: number; full_name?: string } | null;
  repository?: { id?: number; full_name?: string };
}

/** Whether a workflow run built a fork's code: its head repository is not the repository it ran in. */
export function runOrigin(client: Pick<AppClient, "owner" | "repo">, run: RunRef): FailureLog["origin"] {
  if (run.head_repository === undefined) return { kind: "unknown" };
  const head = run.head_repository;
  if (head === null) return { kind: "fork", repository: null };
  const same =
    head.id !== undefined && run.repository?.id !== undefined
      ? head.id === run.repository.id
      : (head.full_name ?? "").toLowerCase() === `${client.owner}/${client.repo}`.toLowerCase();
  return same ? { kind: "base" } : { kind: "fork", repository: head.full_name ?? null };
}

/** The failed jobs of one workflow run, each with a streaming log. */
export async function failedJobsOfRun(client: AppClient, run: RunRef, max: number): Promise<FailureLog[]> {
  const { octokit, owner, repo } = client;
  const origin = runOrigin(client, run);
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
      origin,
      open: () => streamJobLog(client, job.id),
    }));
}

export interface CheckRunRef {
  name: string;
  html_url: string | null;
  head_sha: string;
  output: { title: string | null; summary: string | null; text: string | null };
  /** The webhook's pull requests (GitHub leaves out those from forks, so empty proves nothing). */
  pull_requests?: Array<{ head: { repo: { id: number } }; base: { repo: { id: number } } }>;
}

/** A failed check run from another CI: its log is what it reported (title, summary, text). */
export function checkRunFailure(check: CheckRunRef): FailureLog {
  const text = [check.output.title, check.output.summary, check.output.text].filter(Boolean).join("\n");
  return {
    label: `check ${check.name}`,
    url: check.html_url,
    name: check.name,
    headSha: check.head_sha,
    origin: (check.pull_requests ?? []).some((pr) => pr.head.repo.id !== pr.base.repo.id)
      ? { kind: "fork", repository: null }
      : { kind: "unknown" },
    open: async () => text,
  };
}

/**
 * The failures the automatic path may act on: never a fork's. A failure of unknown origin counts as the
 * repository's own only when its commit is the head of one of the repository's branches (only someone
 * who can push put it there); a fork's commits are on no branch here. Each skip is logged, never posted.
 */
export async function ownFailures(client: AppClient, failures: FailureLog[]): Promise<FailureLog[]> {
  const onBranch = new Map<string, Promise<boolean>>();
  const headOfBranch = (sha: string) => {
    let answer = onBranch.get(sha);
    if (!answer) {
      answer = client.octokit.rest.repos
        .listBranchesForHeadCommit({ owner: client.owner, repo: client.repo, commit_sha: sha })
        .then(
          ({ data }) => data.length > 0,
          (error: unknown) => {
            client.log.warn(
              { sha, err: errorMessage(error) },
              "could not tell which branches point at the failing commit: treating it as a fork's",
            );
            return false;
          },
        );
      onBranch.set(sha, answer);
    }
    return answer;
  };
  const own: FailureLog[] = [];
  for (const failure of failures) {
    const origin = failure.origin;
    let fork: string | null | false = false;
    if (origin?.kind === "fork") fork = origin.repository ?? "a fork";
    else if (origin?.kind === "unknown" && !(failure.headSha && (await headOfBranch(failure.headSha))))
      fork = "a commit on no branch of this repository";
    if (fork === false) {
      own.push(failure);
      continue;
    }
    client.log.info(
      { failure: failure.label, headSha: failure.headSha, from: fork },
      "failure from a fork's pull request: not opening a fix automatically (a maintainer can comment /orchestrator fix <service>)",
    );
  }
  return own;
}

/**
 * The failures to read for a commit, as `/orchestrator fix` sees them: the failed jobs of the most
 * recent failed workflow run on that commit; when Actions has none, failed check runs from other CI
 * (never orchestrator's own, never GitHub Actions' mirrors of its jobs).
 */
export async function failuresForCommit(client: AppClient, sha: string, max: number): Promise<FailureLog[]> {
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
