import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatConfigErrors, parseConfigText } from "../../src/config/parse.js";
import type { OrchestratorConfig } from "../../src/config/schema.js";
import { CONFIG_PATH } from "../../contract/config-path.js";
import { RunnerUsageError } from "./args.js";

/** State dir: `RUNNER_STATE_DIR`, else `.state/` in the current directory. */
export function stateDirFrom(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return resolve(cwd, env.RUNNER_STATE_DIR?.trim() || ".state");
}

/** Workspace: `--workspace`, else `RUNNER_WORKSPACE`, else the current directory. */
export function workspaceFrom(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): string {
  return resolve(cwd, explicit ?? (env.RUNNER_WORKSPACE?.trim() || "."));
}

/**
 * The config file as checked out in the workspace: for the local `deploy` command only. The
 * long-running runner reads it from the default branch (workspace/default-branch-config.ts).
 */
export function loadWorkspaceConfig(workspace: string): OrchestratorConfig {
  const path = join(workspace, CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new RunnerUsageError(
      `no ${CONFIG_PATH} in ${workspace} (pass --workspace DIR or set RUNNER_WORKSPACE)`,
    );
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new RunnerUsageError(`${path} is invalid:\n${formatConfigErrors(parsed.errors)}`);
  return parsed.config;
}
