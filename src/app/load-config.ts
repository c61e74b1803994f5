import type { Context } from "probot";
import { CONFIG_FILE } from "../../contract/config-path.js";
import { validateConfig, type ConfigError } from "../config/parse.js";
import type { OrchestratorConfig } from "../config/schema.js";

export type LoadedConfig =
  | { status: "ok"; config: OrchestratorConfig }
  | { status: "missing" }
  | { status: "invalid"; errors: ConfigError[] };

/**
 * `.github/orchestrator.yml` from the default branch (Probot's loader: a PR cannot loosen its own
 * policy; falls back to the org's `.github` repository), validated by the one schema.
 */
export async function loadConfig(context: Pick<Context, "config">): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
  } catch (error) {
    // The loader throws for unparsable YAML; its message names the file but not the line.
    const cause = (error as { cause?: unknown }).cause;
    const detail =
      cause instanceof Error
        ? cause.message.split("\n")[0]
        : error instanceof Error
          ? error.message
          : String(error);
    return { status: "invalid", errors: [{ path: "(root)", message: `invalid YAML: ${detail}` }] };
  }
  if (raw === null || raw === undefined) return { status: "missing" };
  const result = validateConfig(raw);
  return result.ok ? { status: "ok", config: result.config } : { status: "invalid", errors: result.errors };
}
