import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "../../config/parse.js";
import type { DeployResult, DeployStatus } from "../../../runner/journal/events.js";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { progressReporter, type ProgressSink } from "../deploy-progress.js";
import { SERVICE, type ShopRepo } from "./example-stack.js";
import { requireService } from "../../config/service.js";

export type Expected = { ok: true; result: DeployResult } | { ok: false; detail: string };

/** One deploy through the runner's own pipeline, with live progress; ok when it ends as `expected`. */
export async function deployAndExpect(
  input: {
    repo: ShopRepo;
    stateDir: string;
    env: NodeJS.ProcessEnv;
    project: string;
    ref: string;
    progress: ProgressSink;
  },
  expected: DeployStatus,
): Promise<Expected> {
  const parsed = parseConfigText(
    readFileSync(join(input.repo.workspace, ".github/orchestrator.yml"), "utf8"),
  );
  if (!parsed.ok) return { ok: false, detail: "the shop's .github/orchestrator.yml is invalid" };
  const reporter = progressReporter(input.progress, input.stateDir, { indent: "  " });
  let result: DeployResult;
  try {
    result = await runDeploy(
      {
        service: SERVICE,
        serviceConfig: requireService(parsed.config, SERVICE).config,
        ref: input.ref,
        workspace: input.repo.workspace,
        stateDir: input.stateDir,
        project: input.project,
        env: input.env,
      },
      { reporter },
    );
  } finally {
    reporter.stop();
  }
  if (result.status !== expected)
    return { ok: false, detail: `expected ${expected}, the runner says ${result.status}: ${result.reason}` };
  return { ok: true, result };
}

/** GET a URL's body (trimmed), or null when it does not answer 2xx within 2 s. */
export async function httpGet(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok ? (await response.text()).trim() : null;
  } catch {
    return null;
  }
}
