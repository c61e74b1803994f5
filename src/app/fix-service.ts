import type { OrchestratorConfig } from "../config/schema.js";
import { diagnoseLog } from "../diagnose/diagnose.js";
import type { Diagnosis, Finding } from "../diagnose/finding.js";
import { planFix } from "../patch/plan-fix.js";
import { appMetrics } from "../metrics/app-metrics.js";
import { upsertCheckRun } from "../../github/check-runs.js";
import { branchTip, commitChanges, type BranchHead } from "../github/commit-changes.js";
import { addLabel, openPull, pullsForBranch, type PullRef } from "../github/pull-requests.js";
import { createGitDataReader } from "../github/repo-reader.js";
import { errorMessage } from "../../github/errors.js";
import type { AppClient } from "../github/app-client.js";
import type { RepoReader } from "../patch/repo-files.js";
import { prTitle, renderFixCheck, renderPrBody, whoMustApprove, type FixStory } from "../render/fix-story.js";
import { outbound } from "../render/text.js";
import type { AppDeps } from "./deps.js";
import type { FailureLog } from "./failures.js";
import { fixBranch } from "../../contract/branches.js";
import { fixFingerprint } from "./fingerprint.js";
import { mapService } from "./map-service.js";
import { APPROVAL_CHECK, FIX_CHECK } from "../../contract/checks.js";
import { ORCHESTRATOR_LABEL } from "../../contract/labels.js";
import { requireService } from "../config/service.js";

export interface FixEnv {
  client: AppClient;
  config: OrchestratorConfig;
  deps: AppDeps;
}

/** The default branch as fixes see it: its head, a reader over its tree, and its file list. */
export interface Base {
  head: BranchHead;
  reader: RepoReader;
  files: string[];
}

export interface Diagnosed {
  failure: FailureLog;
  diagnosis: Diagnosis;
}

export type FixOutcome =
  | {
      kind: "opened";
      service: string;
      finding: Finding;
      pull: PullRef;
      how: "created" | "converged" | "moved";
    }
  | { kind: "existing"; service: string; finding: Finding; pull: PullRef }
  | { kind: "closed-before"; service: string; finding: Finding; pull: PullRef }
  | { kind: "refused"; service: string; finding: Finding; reason: string; refusals: string[] }
  | { kind: "planned"; story: FixStory };

export async function loadBase(client: AppClient): Promise<Base> {
  const head = await branchTip(client, client.defaultBranch);
  const reader = createGitDataReader(client, head.treeSha);
  const files = (await reader.listTree("")).filter((e) => e.type === "blob").map((e) => e.path);
  return { head, reader, files };
}

/** Diagnoses each failure's log; a log that cannot be read is logged and skipped, never fatal. */
export async function diagnoseAll(env: FixEnv, base: Base, failures: FailureLog[]): Promise<Diagnosed[]> {
  const out: Diagnosed[] = [];
  for (const failure of failures) {
    try {
      const diagnosis = await diagnoseLog(await failure.open(), {
        maps: env.config.maps,
        projectFiles: base.files,
        maxBytes: env.config.max_log_bytes,
      });
      env.client.log.info(
        {
          failure: failure.label,
          finding: diagnosis.finding?.package ?? null,
          bytes: diagnosis.bytesRead,
          truncated: diagnosis.truncated,
        },
        diagnosis.finding ? "diagnosed a missing dependency" : "nothing fixable in this log",
      );
      out.push({ failure, diagnosis });
      appMetrics().diagnosis(
        diagnosis.finding?.kind ?? "none",
        diagnosis.finding ? "fixable" : "not_fixable",
      );
    } catch (error) {
      appMetrics().diagnosis("none", "error");
      env.client.log.warn(
        { failure: failure.label, err: errorMessage(error) },
        "could not read or diagnose a failure log",
      );
    }
  }
  return out;
}

/**
 * For `/orchestrator fix <service>`: the diagnosed failure that belongs to `service` (by job name,
 * log hints or paths), else one that names no service at all. Never one that points elsewhere.
 */
export function chooseForService(
  diagnosed: Diagnosed[],
  service: string,
  config: OrchestratorConfig,
): { pick: Diagnosed & { diagnosis: { finding: Finding } } } | { why: string[] } {
  const withFinding = diagnosed.filter(
    (d): d is Diagnosed & { diagnosis: { finding: Finding } } => d.diagnosis.finding !== null,
  );
  const mapped = withFinding.map((d) => ({
    d,
    match: mapService({
      config,
      jobName: d.failure.name,
      hints: d.diagnosis.serviceHints,
      evidence: d.diagnosis.evidence,
    }),
  }));
  const exact = mapped.find((m) => m.match.ok && m.match.service === service);
  if (exact) return { pick: exact.d };
  const neutral = mapped.find((m) => !m.match.ok);
  if (neutral) return { pick: neutral.d };
  return {
    why: diagnosed.map((d) => {
      if (!d.diagnosis.finding) return `${d.failure.label}: ${d.diagnosis.reason}`;
      const m = mapped.find((x) => x.d === d)?.match;
      return `${d.failure.label}: ${d.diagnosis.finding.package} is missing, but for service ${m && m.ok ? m.service : "?"}`;
    }),
  };
}

/**
 * Plan, check policy, and (mode "fix") open or find the one fix PR for this service and finding.
 * Idempotent by name: the branch is derived from the fingerprint, so a repeated delivery or a
 * concurrent twin lands on the same branch and PR.
 */
export async function proposeFix(...args: Parameters<typeof proposeFixUncounted>): Promise<FixOutcome> {
  const outcome = await proposeFixUncounted(...args);
  appMetrics().fix(outcome.kind);
  return outcome;
}

async function proposeFixUncounted(
  env: FixEnv,
  base: Base,
  input: {
    service: string;
    diagnosed: Diagnosed & { diagnosis: { finding: Finding } };
    mode: "fix" | "plan";
    force: boolean;
  },
): Promise<FixOutcome> {
  const { client, config, deps } = env;
  const { service } = input;
  const finding = input.diagnosed.diagnosis.finding;
  const resolved = requireService(config, service);
  const serviceConfig = resolved.config;
  const fingerprint = fixFingerprint(service, finding);
  const branch = fixBranch(service, fingerprint);
  const log = client.log.child({ service, fingerprint, branch });

  if (input.mode === "fix") {
    const pulls = await pullsForBranch(client, branch);
    const open = pulls.find((p) => p.state === "open");
    if (open) {
      log.info({ pr: open.number }, "this fix is already open: pointing to it");
      return { kind: "existing", service, finding, pull: open };
    }
    const closed = pulls.find((p) => p.state === "closed" && !p.merged);
    if (closed && !input.force) {
      log.info(
        { pr: closed.number },
        "this fix was closed without merging: not proposing it again without --force",
      );
      return { kind: "closed-before", service, finding, pull: closed };
    }
  }

  const plan = await planFix(finding, {
    serviceName: service,
    service: serviceConfig,
    config,
    repo: base.reader,
    versions: deps.versions,
    registry: deps.registry,
    now: deps.clock.now(),
  });
  if (!plan.ok) {
    log.info(
      { reason: plan.reason, refusals: plan.refusals ?? [] },
      "no fix: the planner or the policy refused",
    );
    return { kind: "refused", service, finding, reason: plan.reason, refusals: plan.refusals ?? [] };
  }
  if (!plan.policy.allowed) {
    log.info({ refusals: plan.policy.reasons }, "no fix: the policy refused the change set");
    return {
      kind: "refused",
      service,
      finding,
      reason: "the change set is outside the allow-list",
      refusals: plan.policy.reasons,
    };
  }

  const story: FixStory = {
    service,
    composeService: resolved.composeService,
    environment: serviceConfig.environment,
    fingerprint,
    branch,
    failure: { label: input.diagnosed.failure.label, url: input.diagnosed.failure.url },
    diagnosis: input.diagnosed.diagnosis,
    finding,
    diff: plan.diff,
    summary: plan.summary,
    packageCheck: plan.packageCheck,
    approvers: serviceConfig.approvers ?? null,
    baseSha: base.head.sha,
    baseBranch: client.defaultBranch,
  };
  if (input.mode === "plan") return { kind: "planned", story };
  const key = client.trust.key;
  if (!key) {
    log.warn({ why: client.trust.keyProblem }, "no fix: the PR marker cannot be signed");
    return {
      kind: "refused",
      service,
      finding,
      reason: `the app has no signing key (${client.trust.keyProblem ?? "unknown"})`,
      refusals: [],
    };
  }

  const commit = await commitChanges(client, {
    base: base.head,
    branch,
    changes: plan.changes,
    message: outbound(`${prTitle(story)}\n\n${plan.summary}\n\nFingerprint: ${fingerprint}`, 4000),
  });
  const { pull, created } = await openPull(client, {
    branch,
    title: outbound(prTitle(story), 250),
    body: outbound(renderPrBody(story, { key, repo: `${client.owner}/${client.repo}` })),
  });
  if (created) {
    // A commit made just now carries no check runs: create them without looking first.
    const fresh = commit.how !== "converged";
    await addLabel(client, pull.number, ORCHESTRATOR_LABEL);
    await upsertCheckRun(client, {
      name: FIX_CHECK,
      headSha: commit.commitSha,
      status: "completed",
      conclusion: "success",
      output: renderFixCheck(story),
      detailsUrl: pull.url,
      fresh,
    });
    await upsertCheckRun(client, {
      name: APPROVAL_CHECK,
      headSha: commit.commitSha,
      status: "in_progress",
      output: {
        title: "Waiting for an approving review",
        summary: `Needs an approving review on ${commit.commitSha.slice(0, 7)} by ${whoMustApprove(story.approvers)}.`,
        text: "A new push resets this check; only a review of the current head commit counts.",
      },
      detailsUrl: pull.url,
      fresh,
    });
    log.info({ pr: pull.number, how: commit.how }, "opened the fix pull request");
  }
  return created
    ? { kind: "opened", service, finding, pull, how: commit.how }
    : { kind: "existing", service, finding, pull };
}
