import type { Context } from "probot";
import type { OrchestratorConfig } from "../config/schema.js";
import type { AppClient } from "../github/app-client.js";
import { reportInvalidConfig } from "./config-check.js";
import { loadConfig } from "./load-config.js";
import { upsertCheckRun } from "../../github/check-runs.js";
import { codeBlock, details, neutralise, userCode } from "../render/text.js";
import { ownFailures, type FailureLog } from "./failures.js";
import { diagnoseAll, loadBase, proposeFix, type FixEnv } from "./fix-service.js";
import { FIX_CHECK } from "../../contract/checks.js";
import { fixFingerprint } from "./fingerprint.js";
import { mapService } from "./map-service.js";

/**
 * CI failures and runtime reports with `auto_fix: true`: diagnose each failure, map it to a service,
 * and open (or find) one fix PR per service and finding. A failure that cannot be mapped to a service
 * is reported on the failing commit as a neutral "orchestrator / fix" check, never guessed.
 */
export async function autoFix(
  env: FixEnv,
  failures: FailureLog[],
  options: { service?: string } = {},
): Promise<void> {
  const { client, config } = env;
  if (failures.length === 0) {
    client.log.info("no failed jobs with logs in this run: nothing to diagnose");
    return;
  }
  // Whoever opens a pull request writes its CI log; a fork's run never opens a fix by itself.
  failures = await ownFailures(client, failures);
  if (failures.length === 0) return;
  const base = await loadBase(client);
  const diagnosed = await diagnoseAll(env, base, failures);
  const done = new Set<string>();
  for (const d of diagnosed) {
    const finding = d.diagnosis.finding;
    if (!finding) continue;
    const match = mapService({
      config,
      ...(options.service !== undefined ? { explicit: options.service } : {}),
      jobName: d.failure.name,
      hints: d.diagnosis.serviceHints,
      evidence: d.diagnosis.evidence,
    });
    if (!match.ok) {
      client.log.info(
        { failure: d.failure.label, reason: match.reason },
        "cannot tell which service failed: reporting instead of guessing",
      );
      await upsertCheckRun(client, {
        name: FIX_CHECK,
        headSha: d.failure.headSha,
        status: "completed",
        conclusion: "neutral",
        output: {
          title: "Could not tell which service failed",
          summary:
            `${userCode(d.failure.label)}: ${userCode(finding.package)} is missing, but ${match.reason}. ` +
            "Comment `/orchestrator fix <service>` on a pull request or issue to fix it for one service.",
          text: details("Evidence", codeBlock(neutralise(finding.evidence.join("\n")))),
        },
        ...(d.failure.url ? { detailsUrl: d.failure.url } : {}),
      });
      continue;
    }
    const key = `${match.service}/${fixFingerprint(match.service, finding)}`;
    if (done.has(key)) continue;
    done.add(key);
    const outcome = await proposeFix(env, base, {
      service: match.service,
      diagnosed: { ...d, diagnosis: { ...d.diagnosis, finding } },
      mode: "fix",
      force: false,
    });
    client.log.info(
      {
        service: match.service,
        via: match.via,
        outcome: outcome.kind,
        ...("pull" in outcome ? { pr: outcome.pull.number } : {}),
      },
      `automatic fix: ${outcome.kind}`,
    );
  }
}

/**
 * The config gate every CI-failure trigger passes: silent without a config, one "orchestrator / config"
 * check on the failing commit for an invalid one, quiet when auto_fix is off. Returns the config only
 * when the failure should be fixed.
 */
export async function autoFixConfig(
  context: Pick<Context, "config">,
  client: AppClient,
  headSha: string,
  repoUrl: string,
): Promise<OrchestratorConfig | null> {
  const loaded = await loadConfig(context);
  if (loaded.status === "missing") {
    client.log.debug("no .github/orchestrator.yml: staying silent");
    return null;
  }
  if (loaded.status === "invalid") {
    await reportInvalidConfig(client, headSha, loaded.errors, repoUrl);
    return null;
  }
  if (!loaded.config.auto_fix) {
    client.log.info("auto_fix is off: not fixing CI failures without a command");
    return null;
  }
  return loaded.config;
}
