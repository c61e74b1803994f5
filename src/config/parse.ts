import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { configSchema, type OrchestratorConfig, type ServiceConfig } from "./schema.js";

export type ConfigResult = { ok: true; config: OrchestratorConfig } | { ok: false; errors: ConfigError[] };

export interface ConfigError {
  /** Dotted key path, e.g. `services.api.health.timeout`; `(root)` for the whole file. */
  path: string;
  message: string;
}

/** Validates an already-parsed config object (from YAML or from Probot's config loader). */
export function validateConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) {
    return { ok: false, errors: [{ path: "(root)", message: "the file is empty" }] };
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, errors: result.error.issues.map(toConfigError) };
}

/** Parses YAML text and validates it; YAML syntax errors are reported with their line. */
export function parseConfigText(text: string): ConfigResult {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    return { ok: false, errors: [{ path: "(root)", message: `invalid YAML: ${message}` }] };
  }
  return validateConfig(raw);
}

function toConfigError(issue: z.core.$ZodIssue): ConfigError {
  const path = issue.path.length === 0 ? "(root)" : issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return { path, message: `unknown key(s): ${issue.keys.join(", ")}` };
  }
  if (issue.code === "invalid_key") {
    // The nested issue carries the key's own message (e.g. the service name rule).
    return { path, message: issue.issues[0]?.message ?? issue.message };
  }
  return { path, message: issue.message };
}

export function formatConfigErrors(errors: ConfigError[]): string {
  return errors.map((e) => `- \`${e.path}\`: ${e.message}`).join("\n");
}

/** The compose service name of a configured service. */
export function composeServiceName(name: string, service: ServiceConfig): string {
  return service.compose_service ?? name;
}

/** Milliseconds for a config duration (`30s`, `500ms`, `2m`, or a number of seconds). */
export function durationMs(value: string | number): number {
  if (typeof value === "number") return value * 1000;
  const match = /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) throw new Error(`invalid duration: ${value}`);
  const n = Number(match[1]);
  return match[2] === "ms" ? n : match[2] === "s" ? n * 1000 : n * 60_000;
}
