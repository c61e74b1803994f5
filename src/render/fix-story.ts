import type { Diagnosis, Finding } from "../diagnose/finding.js";
import type { PackageCheck } from "../policy/package-check.js";
import type { SigningKey } from "../deploy/signing.js";
import { renderMetaMarker, type FixMeta } from "./meta-marker.js";
import { codeBlock, details, escapeHtml, inlineCode, neutralise, safeUrl, userCode } from "./text.js";

/** What a fix PR, its check run and a `plan` answer tell: the same story, rendered for each surface. */
export interface FixStory {
  service: string;
  composeService: string;
  environment: string;
  fingerprint: string;
  branch: string;
  failure: FailureRef;
  diagnosis: Diagnosis;
  finding: Finding;
  diff: string;
  /** One line from the planner, e.g. "add PyYAML to services/api/requirements.txt". */
  summary: string;
  /** The registry check of the package (PyPI / npm); null or absent for system packages. */
  packageCheck?: PackageCheck | null;
  /** Configured approvers, or null for the default (write access). */
  approvers: string[] | null;
  baseSha: string;
  baseBranch: string;
}

export interface FailureRef {
  /** Human label, e.g. "workflow CI, job build-api". */
  label: string;
  url: string | null;
}

export const EVIDENCE_LINES = 40;

export function prTitle(story: Pick<FixStory, "service" | "finding">): string {
  return `fix(${story.service}): add missing ${story.finding.ecosystem} package ${story.finding.package}`;
}

export function whoMustApprove(approvers: string[] | null): string {
  if (!approvers || approvers.length === 0)
    return "anyone with write access to this repository (not the app itself)";
  return approvers.map((a) => (a.startsWith("@") ? `a member of ${inlineCode(a)}` : `@${a}`)).join(", ");
}

/** The label holds workflow and job names, which a fork's pull request chooses: always inline code. */
function failedLine(failure: FailureRef): string {
  const url = safeUrl(failure.url);
  return url ? `[${userCode(failure.label)}](${url})` : userCode(failure.label);
}

function evidenceBlock(diagnosis: Diagnosis, finding: Finding): string {
  const lines = (finding.evidence.length > 0 ? finding.evidence : diagnosis.evidence).slice(
    0,
    EVIDENCE_LINES,
  );
  return details(
    `Evidence (${lines.length} line${lines.length === 1 ? "" : "s"} from the log)`,
    codeBlock(neutralise(lines.join("\n"))),
  );
}

/** Where the name was checked, linked, and when it was first published. */
function registryLine(check: PackageCheck | null | undefined): string {
  if (!check) return "";
  const page = safeUrl(check.page);
  const where = page ? `[${check.registry}](${page})` : check.registry;
  return (
    `- registry: ${inlineCode(check.name)} exists on ${where}, first published ${check.firstPublished.slice(0, 10)} ` +
    `(${check.ageDays} days ago; \`policy.min_release_age\` is ${inlineCode(check.minReleaseAge)})`
  );
}

function diagnosisLines(story: FixStory): string {
  const { finding } = story;
  const alternatives = finding.systemPackages
    ? ` (${Object.entries(finding.systemPackages)
        .map(([family, pkg]) => `${family}: ${inlineCode(pkg)}`)
        .join(", ")})`
    : "";
  return [
    `- missing: ${userCode(finding.missing)} (${finding.kind.replace("_", " ")})`,
    `- provided by: ${userCode(finding.package)} from ${finding.ecosystem}${alternatives}`,
    registryLine(story.packageCheck),
    `- diagnoser: ${inlineCode(finding.diagnoser)}; ${userCode(story.diagnosis.reason)}`,
    finding.confidence === undefined ? "" : `- confidence: ${confidenceText(finding.confidence)}`,
    story.diagnosis.truncated
      ? `- note: the log was only read in part (${story.diagnosis.bytesRead} bytes)`
      : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** 0.9 -> "90% (high)": a reviewer reads at a glance how much was assumed. */
export function confidenceText(confidence: number): string {
  const percent = Math.round(Math.min(1, Math.max(0, confidence)) * 100);
  const level = percent >= 85 ? "high" : percent >= 60 ? "medium" : "low: check the evidence";
  return `${percent}% (${level})`;
}

function mergeEffect(story: FixStory): string {
  return (
    `Merging deploys compose service ${inlineCode(story.composeService)} to the ${inlineCode(story.environment)} ` +
    "environment: the runner builds the image, restarts only this service, verifies it (running, not restarting, " +
    "health) and rolls back to the previous image if verification fails."
  );
}

/**
 * The fix PR body. The signed meta marker is its first line, so no text from a log, a job name or a
 * title can come before it (only the marker at the very start is trusted).
 */
export function renderPrBody(story: FixStory, seal: { key: SigningKey; repo: string }): string {
  const meta: FixMeta = {
    v: 1,
    service: story.service,
    fingerprint: story.fingerprint,
    finding: {
      kind: story.finding.kind,
      missing: story.finding.missing,
      package: story.finding.package,
      ecosystem: story.finding.ecosystem,
    },
    run_url: story.failure.url,
    base_sha: story.baseSha,
  };
  return [
    renderMetaMarker(meta, seal.key, { repo: seal.repo, branch: story.branch }),
    `### What failed`,
    `${failedLine(story.failure)} failed for service ${inlineCode(story.service)}.`,
    evidenceBlock(story.diagnosis, story.finding),
    `### Diagnosis`,
    diagnosisLines(story),
    `### The fix`,
    `${neutralise(escapeHtml(story.summary))} (based on ${userCode(story.baseBranch)} at ${inlineCode(story.baseSha.slice(0, 7))}).`,
    codeBlock(story.diff, "diff"),
    `### What merging will do`,
    mergeEffect(story),
    `### Who must approve`,
    `An approving review on the current head commit by ${whoMustApprove(story.approvers)}. ` +
      "The `orchestrator / approval` check turns green then; a new push resets it.",
    "",
    `<sub>Opened by orchestrator. Same failure again updates nothing: this PR (branch ${userCode(story.branch)}) stays the one fix.</sub>`,
  ].join("\n\n");
}

export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
}

export function renderFixCheck(story: FixStory): CheckOutput {
  return {
    title: `Add ${story.finding.package} for ${story.service}`,
    summary: [
      `${failedLine(story.failure)} failed: ${userCode(story.finding.missing)} is missing.`,
      `${neutralise(escapeHtml(story.summary))}.`,
      mergeEffect(story),
      `Approval: ${whoMustApprove(story.approvers)}.`,
    ].join("\n\n"),
    text: [
      `### Diagnosis`,
      diagnosisLines(story),
      evidenceBlock(story.diagnosis, story.finding),
      codeBlock(story.diff, "diff"),
    ].join("\n\n"),
  };
}

/** The answer to `/orchestrator plan <service>`: the same story, no branch. */
export function renderPlan(story: FixStory): string {
  return [
    `**Plan for ${inlineCode(story.service)}** (dry run, nothing was pushed)`,
    `${failedLine(story.failure)} failed.`,
    diagnosisLines(story),
    evidenceBlock(story.diagnosis, story.finding),
    `${neutralise(escapeHtml(story.summary))}:`,
    codeBlock(story.diff, "diff"),
    `Run \`/orchestrator fix ${story.service}\` to open this as a pull request.`,
  ].join("\n\n");
}
