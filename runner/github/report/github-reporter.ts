import { redact } from "../../../src/redact/redactor.js";
import type { DeployResult, DeployStatus } from "../../journal/events.js";
import { readEvents, runDir } from "../../journal/journal-file.js";
import { viewRun } from "../../journal/run-view.js";
import type { DeployReporter, StepEvent } from "../../pipeline/reporter.js";
import { isTransient } from "../github-backoff.js";
import {
  githubMeta,
  readClaim,
  updateClaim,
  writeClaim,
  type DeploymentClaim,
  type GitHubRunMeta,
} from "../poll/claims.js";
import { createStatus, latestStatus, type StatusInput } from "../../../github/deployments.js";
import type { RepoClient } from "../../../github/repo-client.js";
import { sendRepositoryDispatch } from "./send-dispatch.js";
import { errorMessage } from "../../../github/errors.js";
import type { RunnerLog } from "../log.js";
import {
  checkActions,
  checkConclusion,
  finalStatus,
  renderCheckOutput,
  renderDeployComment,
  stepRows,
  type DeployCommentModel,
} from "./deploy-comment.js";
import { decideDispatch } from "./runtime-crash.js";
import { RUNTIME_FAILURE_EVENT } from "../../../contract/runtime-failure.js";
import { upsertCheckRun } from "../../../github/check-runs.js";
import { upsertMarkedComment } from "../../../github/comments.js";
import { deployCheckName } from "../../../contract/checks.js";
import { deployCommentMarker } from "../../../contract/markers.js";

export interface GitHubReporterOptions {
  gh: RepoClient;
  stateDir: string;
  log: RunnerLog;
  /** This runner's name in comments (the host name). */
  runner: string;
  /**
   * How long a step waits for its progress update before going on without it (default 0: the deploy
   * never waits on GitHub; updates run beside it, one at a time per run, coalesced). The runner's
   * Octokit spaces writes a second apart, so waiting would add seconds to every step.
   */
  progressWaitMs?: number;
  /**
   * RUNNER_DISPATCH_RUNTIME_FAILURES (default true): when the new version crash-looped or exited
   * during verification, send `orchestrator.runtime_failure` so the app diagnoses its log.
   */
  dispatchRuntimeFailures?: boolean;
}

export interface GitHubReporter extends DeployReporter {
  /** Claims a deployment: records it as ours, shows "deploying" on the PR and the check run, posts `in_progress`. */
  claim(meta: GitHubRunMeta, service: string): Promise<void>;
  /** Marks an older pending deployment inactive, naming the one that replaced it. */
  supersede(meta: GitHubRunMeta, service: string, by: number): Promise<void>;
  /** The deploy could not start (no run was journaled): status `error` and the reason on the PR. */
  startFailed(meta: GitHubRunMeta, service: string, reason: string): Promise<void>;
}

/** A part of a report failed in a way worth retrying; the journal keeps the run unreported. */
export class ReportRetryError extends Error {
  override readonly name = "ReportRetryError";
}

/**
 * Reports runs to GitHub. Progress (step events) is best effort and coalesced per run; `finish` is the
 * exactly-once part: comment and check run are updated in place (idempotent), the final deployment
 * status is posted once (recorded in the claim). A transient failure makes `finish` throw, so the
 * journal keeps the run unreported and the poller retries it on a later pass.
 */
export function createGitHubReporter(options: GitHubReporterOptions): GitHubReporter {
  const { gh, stateDir, log, runner } = options;
  const progressWaitMs = options.progressWaitMs ?? 0;
  const dispatchRuntimeFailures = options.dispatchRuntimeFailures ?? true;
  const inflight = new Map<string, Promise<void>>();
  const dirty = new Set<string>();
  const finished = new Set<string>();

  const claimFor = (meta: GitHubRunMeta, service: string): DeploymentClaim => {
    const existing = readClaim(stateDir, meta.deploymentId);
    if (existing) return existing;
    const claim: DeploymentClaim = {
      deploymentId: meta.deploymentId,
      service,
      environment: meta.environment,
      sha: meta.sha,
      pr: meta.pr,
      claimedAt: new Date().toISOString(),
      hostname: runner,
    };
    writeClaim(stateDir, claim);
    return claim;
  };

  const baseModel = (meta: GitHubRunMeta, service: string): DeployCommentModel => ({
    deploymentId: meta.deploymentId,
    service,
    environment: meta.environment,
    sha: meta.sha,
    runner,
    steps: [],
    result: null,
  });

  /** The deployment's one PR comment, found again by its marker (the app created it "queued"). */
  const upsertDeployComment = (pr: number, deploymentId: number, body: string, known: number | null) =>
    upsertMarkedComment(gh, {
      issue: pr,
      marker: deployCommentMarker(deploymentId),
      body,
      known,
      anyAuthor: true,
    });

  /** Writes the comment (when there is a PR) and the check run; returns the comment URL. */
  async function publish(
    claim: DeploymentClaim,
    model: DeployCommentModel,
    final: DeployStatus | null,
  ): Promise<{ commentUrl: string | null; problems: unknown[] }> {
    const problems: unknown[] = [];
    let commentUrl = claim.commentUrl ?? null;
    if (claim.pr !== null) {
      try {
        const ref = await upsertDeployComment(
          claim.pr,
          claim.deploymentId,
          renderDeployComment(model),
          claim.commentId ?? null,
        );
        commentUrl = ref.url;
        if (ref.id !== claim.commentId)
          updateClaim(stateDir, claim.deploymentId, { commentId: ref.id, commentUrl: ref.url });
      } catch (error) {
        problems.push(error);
      }
    }
    try {
      // The check run carries the deployment id as its external id, so one whose create answer was
      // lost is found again instead of created twice.
      const now = new Date().toISOString();
      const id = await upsertCheckRun(gh, {
        name: deployCheckName(model.service),
        headSha: model.sha,
        output: renderCheckOutput(model),
        ...(final
          ? {
              status: "completed",
              conclusion: checkConclusion(final),
              completedAt: now,
              actions: checkActions(final),
            }
          : { status: "in_progress", startedAt: now }),
        detailsUrl: commentUrl,
        byId: {
          known: claim.checkRunId ?? null,
          externalId: String(claim.deploymentId),
          sentBefore: readClaim(stateDir, claim.deploymentId)?.checkRunCreateSent === true,
          beforeCreate: () => updateClaim(stateDir, claim.deploymentId, { checkRunCreateSent: true }),
        },
      });
      if (id !== claim.checkRunId) updateClaim(stateDir, claim.deploymentId, { checkRunId: id });
    } catch (error) {
      problems.push(error);
    }
    return { commentUrl, problems };
  }

  /**
   * Posts a deployment status at most once per state: when this state was sent before and its answer
   * never came back, GitHub may have stored it anyway, so the newest status is read first and the post
   * is skipped when it already says this. Returns false when it was skipped.
   */
  async function postStatusOnce(deploymentId: number, input: StatusInput): Promise<boolean> {
    const sent = readClaim(stateDir, deploymentId)?.statusesSent ?? [];
    if (sent.includes(input.state)) {
      const latest = await latestStatus(gh, deploymentId);
      if (latest?.state === input.state) {
        log.info(
          { deploymentId, state: input.state },
          `deployment #${deploymentId} already shows ${input.state} (an earlier answer was lost); not posting it again`,
        );
        return false;
      }
    } else updateClaim(stateDir, deploymentId, { statusesSent: [...sent, input.state] });
    await createStatus(gh, deploymentId, input);
    return true;
  }

  /** Logs permanent failures and gives up on them; throws when any failure is worth a retry. */
  function settle(problems: unknown[], what: string, deploymentId: number): void {
    for (const problem of problems) {
      log[isTransient(problem) ? "warn" : "error"](
        { deploymentId, err: redact(errorMessage(problem)) },
        isTransient(problem)
          ? `${what}: GitHub failed, will retry`
          : `${what}: GitHub refused, giving up on this part`,
      );
    }
    const transient = problems.filter(isTransient);
    if (transient.length > 0)
      throw new ReportRetryError(
        `${what} for deployment #${deploymentId} failed: ${redact(transient.map(errorMessage).join("; "))}`,
      );
  }

  /**
   * Sends the runtime failure of a crashed deploy back to the app, at most once per deployment (the
   * claim records it; a crash between GitHub accepting it and that write could resend it, which the
   * app absorbs: its fix branch is named after the failure). Best effort: an error is logged and
   * never fails the deploy's own report.
   */
  async function dispatchRuntimeFailure(meta: GitHubRunMeta, result: DeployResult): Promise<void> {
    if (readClaim(stateDir, meta.deploymentId)?.runtimeFailureDispatchedAt) return;
    const decision = decideDispatch(result, dispatchRuntimeFailures);
    const ids = { runId: result.runId, deploymentId: meta.deploymentId, service: result.service };
    if (!decision.send) {
      if (result.status !== "success")
        log.debug({ ...ids, reason: decision.reason }, `no runtime failure dispatch: ${decision.reason}`);
      return;
    }
    try {
      await sendRepositoryDispatch(gh, RUNTIME_FAILURE_EVENT, decision.payload);
      updateClaim(stateDir, meta.deploymentId, { runtimeFailureDispatchedAt: new Date().toISOString() });
      log.info(
        { ...ids, kind: decision.crash.kind, logBytes: Buffer.byteLength(decision.payload.log) },
        `sent ${RUNTIME_FAILURE_EVENT} for ${result.service}: ${redact(decision.crash.evidence)}`,
      );
    } catch (error) {
      log.error(
        { ...ids, err: redact(errorMessage(error)) },
        `could not send ${RUNTIME_FAILURE_EVENT}; the deploy report is not affected`,
      );
    }
  }

  async function progress(runId: string): Promise<void> {
    const view = viewRun(runId, readEvents(runDir(stateDir, runId)));
    const meta = githubMeta(view.start?.meta);
    if (!meta || !view.start || view.result || finished.has(runId)) return;
    const claim = claimFor(meta, view.start.service);
    const model = { ...baseModel(meta, view.start.service), steps: stepRows(view) };
    const { problems } = await publish(claim, model, null);
    for (const problem of problems)
      log.warn(
        { runId, deploymentId: meta.deploymentId, err: redact(errorMessage(problem)) },
        "progress update failed; the deploy goes on",
      );
  }

  /** One update in flight per run; events arriving meanwhile collapse into one more update. */
  function schedule(runId: string): Promise<void> {
    if (inflight.has(runId)) {
      dirty.add(runId);
      return inflight.get(runId)!;
    }
    const loop = (async () => {
      do {
        dirty.delete(runId);
        await progress(runId).catch((error: unknown) =>
          log.warn({ runId, err: redact(errorMessage(error)) }, "progress update failed"),
        );
      } while (dirty.has(runId) && !finished.has(runId));
    })().finally(() => inflight.delete(runId));
    inflight.set(runId, loop);
    return loop;
  }

  return {
    name: "github",

    async step(event: StepEvent) {
      if (finished.has(event.runId)) return;
      const update = schedule(event.runId);
      if (progressWaitMs <= 0) return;
      // A slow GitHub must not slow the deploy: wait a little, then let the update finish on its own.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        update,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, progressWaitMs))),
      ]);
      clearTimeout(timer);
    },

    note(runId, message) {
      log.info({ runId }, redact(message));
    },

    async finish(result: DeployResult) {
      finished.add(result.runId);
      await inflight.get(result.runId);
      const meta = githubMeta(result.meta);
      if (!meta) {
        log.info(
          { runId: result.runId, status: result.status },
          "run has no GitHub deployment (a local deploy); nothing to report on GitHub",
        );
        return;
      }
      const claim = claimFor(meta, result.service);
      const model: DeployCommentModel = {
        ...baseModel(meta, result.service),
        steps: result.steps.map((s) => ({
          step: s.step,
          state: s.ok ? "ok" : "failed",
          durationMs: s.durationMs,
          detail: s.detail,
        })),
        result,
      };
      const { commentUrl, problems } = await publish(claim, model, result.status);
      if (!readClaim(stateDir, meta.deploymentId)?.finalStatusPosted) {
        const status = finalStatus(result);
        try {
          await postStatusOnce(meta.deploymentId, {
            ...status,
            environmentUrl: result.status === "success" ? meta.environmentUrl : null,
            logUrl: commentUrl,
          });
          updateClaim(stateDir, meta.deploymentId, { finalStatusPosted: true });
          log.info(
            { runId: result.runId, deploymentId: meta.deploymentId, state: status.state },
            `deployment #${meta.deploymentId}: ${status.state}`,
          );
        } catch (error) {
          problems.push(error);
        }
      }
      await dispatchRuntimeFailure(meta, result);
      settle(problems, "final report", meta.deploymentId);
      finished.delete(result.runId);
    },

    async claim(meta, service) {
      const claim = claimFor(meta, service);
      const { commentUrl, problems } = await publish(claim, baseModel(meta, service), null);
      try {
        await postStatusOnce(meta.deploymentId, {
          state: "in_progress",
          description: `runner ${runner} is deploying ${meta.sha.slice(0, 12)}`,
          logUrl: commentUrl,
        });
      } catch (error) {
        problems.push(error);
      }
      settle(problems, "claim", meta.deploymentId);
    },

    async supersede(meta, service, by) {
      const problems: unknown[] = [];
      if (meta.pr !== null) {
        const model = { ...baseModel(meta, service), supersededBy: by };
        try {
          await upsertDeployComment(
            meta.pr,
            meta.deploymentId,
            renderDeployComment(model),
            readClaim(stateDir, meta.deploymentId)?.commentId ?? null,
          );
        } catch (error) {
          problems.push(error);
        }
      }
      try {
        await createStatus(gh, meta.deploymentId, {
          state: "inactive",
          description: `superseded by deployment #${by} of ${service}`,
        });
      } catch (error) {
        problems.push(error);
      }
      settle(problems, "supersede", meta.deploymentId);
    },

    async startFailed(meta, service, reason) {
      const claim = claimFor(meta, service);
      const { commentUrl, problems } = await publish(
        claim,
        { ...baseModel(meta, service), startError: reason },
        "failed",
      );
      try {
        await postStatusOnce(meta.deploymentId, {
          state: "error",
          description: `could not start: ${reason}`,
          logUrl: commentUrl,
        });
        updateClaim(stateDir, meta.deploymentId, { finalStatusPosted: true });
      } catch (error) {
        problems.push(error);
      }
      settle(problems, "start failure report", meta.deploymentId);
    },
  };
}
