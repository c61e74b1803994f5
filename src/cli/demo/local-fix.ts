import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fixBranch } from "../../../contract/branches.js";
import { fixFingerprint } from "../../app/fingerprint.js";
import { formatConfigErrors, parseConfigText } from "../../config/parse.js";
import { diagnoseLog } from "../../diagnose/diagnose.js";
import type { Diagnosis, Finding } from "../../diagnose/finding.js";
import { deriveSigningKey, type SigningKey } from "../../deploy/signing.js";
import { planFix } from "../../patch/plan-fix.js";
import type { PackageRegistry } from "../../patch/registry-lookup.js";
import { prTitle, renderPrBody, type FixStory } from "../../render/fix-story.js";
import { localRepoReader } from "../../repo/local-reader.js";
import { writeInsideRepo } from "../../repo/safe-write.js";
import type { Git } from "./git.js";
import { resolveService } from "../../config/service.js";

/**
 * The demo asks no registry. A system-package finding (a missing C header) never needs one; a PyPI or
 * npm finding would, and fails here with this message instead of reaching the network.
 */
export const NO_REGISTRY: PackageRegistry = {
  facts: (ecosystem, name) =>
    Promise.reject(
      new Error(`the demo asks no registry (${ecosystem} package ${name}); use orchestrator fix`),
    ),
  latest: (ecosystem, name) =>
    Promise.reject(
      new Error(`the demo asks no registry (${ecosystem} package ${name}); use orchestrator fix`),
    ),
};

export type Diagnosed = { ok: true; diagnosis: Diagnosis; finding: Finding } | { ok: false; reason: string };

/** Diagnoses a build log the way the app does: with the repository's files and config maps. */
export async function diagnoseBuild(workspace: string, git: Git, logPath: string): Promise<Diagnosed> {
  const config = await loadConfig(workspace);
  const projectFiles = (await git("ls-files")).split("\n").filter(Boolean);
  const diagnosis = await diagnoseLog(createReadStream(logPath), {
    maps: config.maps,
    projectFiles,
    maxBytes: config.max_log_bytes,
  });
  if (!diagnosis.finding)
    return { ok: false, reason: `nothing fixable found in ${logPath}: ${diagnosis.reason}` };
  return { ok: true, diagnosis, finding: diagnosis.finding };
}

export interface ProposedFix {
  story: FixStory;
  title: string;
  body: string;
  commitSha: string;
}

/**
 * Plans the fix, checks the allow-list policy and commits it on the branch the app would use
 * (`orchestrator/<service>/<fingerprint>`), leaving the workspace on `base`.
 */
export async function commitFix(input: {
  workspace: string;
  git: Git;
  service: string;
  base: string;
  diagnosis: Diagnosis;
  finding: Finding;
  logLabel: string;
}): Promise<{ ok: true; fix: ProposedFix } | { ok: false; reason: string }> {
  const { workspace, git, service, finding } = input;
  const config = await loadConfig(workspace);
  const resolved = resolveService(config, service);
  if (!resolved)
    return {
      ok: false,
      reason: `service '${service}' is not in ${join(workspace, ".github/orchestrator.yml")}`,
    };
  const serviceConfig = resolved.config;
  const plan = await planFix(finding, {
    serviceName: service,
    service: serviceConfig,
    config,
    repo: localRepoReader(workspace),
    registry: NO_REGISTRY,
  });
  if (!plan.ok) return { ok: false, reason: [plan.reason, ...(plan.refusals ?? [])].join("; ") };
  if (!plan.policy.allowed)
    return { ok: false, reason: `refused by policy: ${plan.policy.reasons.join("; ")}` };

  const fingerprint = fixFingerprint(service, finding);
  const branch = fixBranch(service, fingerprint);
  const baseSha = await git("rev-parse", input.base);
  const story: FixStory = {
    service,
    composeService: resolved.composeService,
    environment: serviceConfig.environment,
    fingerprint,
    branch,
    failure: { label: input.logLabel, url: null },
    diagnosis: input.diagnosis,
    finding,
    diff: plan.diff,
    summary: plan.summary,
    packageCheck: plan.packageCheck,
    approvers: serviceConfig.approvers ?? null,
    baseSha,
    baseBranch: input.base,
  };
  const title = prTitle(story);
  await git("checkout", "-q", "-b", branch, input.base);
  try {
    for (const change of plan.changes) await writeInsideRepo(workspace, change.path, change.after);
    await git("add", "-A", "--", ...plan.changes.map((c) => c.path));
    await git("commit", "-q", "-m", `${title}\n\n${plan.summary}\n\nFingerprint: ${fingerprint}`);
    const commitSha = await git("rev-parse", "HEAD");
    return {
      ok: true,
      fix: {
        story,
        title,
        body: renderPrBody(story, { key: demoSigningKey(), repo: "demo/shop" }),
        commitSha,
      },
    };
  } finally {
    await git("checkout", "-q", input.base);
  }
}

/**
 * The demo has no GitHub App, so no private key: its PR text is sealed with a fixed, public key that
 * only this local demo uses (nothing trusts it; the real app derives its key from the App's private key).
 */
let demoKey: SigningKey | null = null;
function demoSigningKey(): SigningKey {
  demoKey ??= deriveSigningKey({ secret: "orchestrator demo: a public key for a local run only" });
  return demoKey;
}

async function loadConfig(workspace: string) {
  const path = join(workspace, ".github/orchestrator.yml");
  const parsed = parseConfigText(await readFile(path, "utf8"));
  if (!parsed.ok) throw new Error(`${path} is invalid:\n${formatConfigErrors(parsed.errors)}`);
  return parsed.config;
}
