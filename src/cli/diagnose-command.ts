import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type DiagnoseOptions } from "../diagnose/diagnose.js";
import { diagnoseFile } from "../diagnose/diagnose-file.js";
import { BinaryLogError } from "../diagnose/input-check.js";
import type { Diagnosis } from "../diagnose/finding.js";
import { redact } from "../redact/redactor.js";
import { UsageError, type CliIo } from "./io.js";
import { checkLogFile } from "./log-file.js";
import { CONFIG_PATH } from "../../contract/config-path.js";
import { errorMessage } from "../../github/errors.js";

const USAGE = `usage: orchestrator diagnose --log FILE [--json] [--repo DIR]

  --log FILE   the build or CI log to read (streamed; large files are fine)
  --json       print one JSON object: {fixable, kind, package, ecosystem, missing, confidence, reason,
               evidence, truncated, bytes_read, distro, assumed_distro (when Debian was assumed),
               registry_checked, registry_note}
  --repo DIR   the repository checkout: its files mark the project's own modules, its manifests what is
               already declared, its Dockerfile base the distribution; the maps and max_log_bytes of
               DIR/.github/orchestrator.yml apply
  A log above max_log_bytes is read from its end. Binary or compressed logs are refused (exit 2).
`;

/**
 * diagnose never asks a registry (it works offline), so it says that the name is unchecked: the name
 * comes from the log, and only `orchestrator fix` and the app check it exists and is old enough.
 */
export function registryNote(diagnosis: Diagnosis): string | null {
  const finding = diagnosis.finding;
  if (!finding) return null;
  if (finding.ecosystem === "pypi" || finding.ecosystem === "npm") {
    const where = finding.ecosystem === "pypi" ? "PyPI" : "the npm registry";
    return `not checked: diagnose works offline; orchestrator fix and the app propose '${finding.package}' only if it exists on ${where} and its first release is older than policy.min_release_age`;
  }
  return "not needed: system packages come only from the built-in map";
}

/** `orchestrator diagnose`: exit 0 whether or not the log is fixable; 2 on bad usage or unreadable input. */
export async function diagnoseCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { log?: string; json?: boolean; repo?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        log: { type: "string" },
        json: { type: "boolean" },
        repo: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${errorMessage(error)}\n${USAGE}`);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (!values.log) throw new UsageError(`--log FILE is required\n${USAGE}`);
  await checkLogFile(values.log);

  const options = values.repo ? await repoOptions(values.repo) : {};
  await checkLogPath(values.log);
  let diagnosis: Diagnosis;
  try {
    diagnosis = await diagnoseFile(values.log, options);
  } catch (error) {
    if (error instanceof BinaryLogError) throw new UsageError(`cannot diagnose --log: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UsageError(`cannot read log file '${values.log}': ${describeFsError(error)}`);
    throw error;
  }
  io.stdout.write(values.json ? `${JSON.stringify(toJson(diagnosis))}\n` : renderSummary(diagnosis));
  return 0;
}

/** The machine-readable answer; evidence passes through the redactor. */
export function toJson(diagnosis: Diagnosis) {
  const finding = diagnosis.finding;
  return {
    fixable: finding !== null,
    kind: finding?.kind ?? null,
    package: finding?.package ?? null,
    ecosystem: finding?.ecosystem ?? null,
    registry_checked: false,
    registry_note: registryNote(diagnosis),
    missing: finding?.missing ?? null,
    confidence: finding?.confidence ?? null,
    reason: redact(diagnosis.reason),
    evidence: diagnosis.evidence.map(redact),
    truncated: diagnosis.truncated,
    bytes_read: diagnosis.bytesRead,
    ...(diagnosis.distro ? { distro: { name: diagnosis.distro.name, source: diagnosis.distro.source } } : {}),
    ...(diagnosis.distro?.source === "assumed" ? { assumed_distro: diagnosis.distro.name } : {}),
  };
}

export function renderSummary(diagnosis: Diagnosis): string {
  const lines: string[] = [];
  const finding = diagnosis.finding;
  lines.push(finding ? `fixable: ${diagnosis.reason}` : diagnosis.reason);
  if (finding?.systemPackages) {
    const families = Object.entries(finding.systemPackages).map(([family, name]) => `${family}: ${name}`);
    lines.push(`  packages: ${families.join(", ")}`);
  }
  const note = registryNote(diagnosis);
  if (note) lines.push(`  registry: ${note}`);
  if (diagnosis.serviceHints.length > 0)
    lines.push(`services named in the log: ${diagnosis.serviceHints.join(", ")}`);
  if (diagnosis.evidence.length > 0) {
    lines.push("evidence:");
    for (const line of diagnosis.evidence) lines.push(`  ${line}`);
  }
  return `${redact(lines.join("\n"))}\n`;
}

async function checkLogPath(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`cannot read log file '${path}': not a regular file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read log file '${path}': ${describeFsError(error)}`);
  }
}

/** Project files and config maps of a checkout. */
async function repoOptions(dir: string): Promise<DiagnoseOptions> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--repo '${dir}' is not a directory`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read --repo '${dir}': ${describeFsError(error)}`);
  }
  const { loadRepoContext } = await import("../diagnose/repo-context.js");
  const repo = await loadRepoContext(dir);
  const options: DiagnoseOptions = {
    projectFiles: repo.projectFiles,
    declared: repo.declared,
    dockerBase: repo.dockerBase,
  };
  let text: string | null = null;
  try {
    text = await readFile(join(dir, CONFIG_PATH), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(`cannot read ${join(dir, CONFIG_PATH)}: ${describeFsError(error)}`);
    }
  }
  if (text !== null) {
    // Loaded only with --repo: the config parser (zod, yaml) is most of the CLI's start-up cost.
    const { formatConfigErrors, parseConfigText } = await import("../config/parse.js");
    const parsed = parseConfigText(text);
    if (!parsed.ok)
      throw new UsageError(`invalid ${join(dir, CONFIG_PATH)}:\n${formatConfigErrors(parsed.errors)}`);
    options.maps = parsed.config.maps;
    options.maxBytes = parsed.config.max_log_bytes;
  }
  return options;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return errorMessage(error);
}
