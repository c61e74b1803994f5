import { execFile } from "node:child_process";
import { open, readFile, readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs, promisify } from "node:util";
import { formatConfigErrors, parseConfigText } from "../config/parse.js";
import { diagnoseLog, type DiagnoseOptions } from "../diagnose/diagnose.js";
import type { Diagnosis } from "../diagnose/types.js";
import { redact } from "../redact/redactor.js";
import { UsageError, type CliIo } from "./io.js";
import { checkLogFile } from "./log-file.js";

const USAGE = `usage: orchestrator diagnose --log FILE [--json] [--repo DIR]

  --log FILE   the build or CI log to read (streamed; large files are fine)
  --json       print one JSON object: {fixable, kind, package, ecosystem, registry_checked,
               registry_note, evidence}
  --repo DIR   the repository checkout: its files mark the project's own modules, and the maps and
               max_log_bytes of DIR/.github/orchestrator.yml apply
`;
const CONFIG_PATH = ".github/orchestrator.yml";

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
const WALK_LIMIT = 200_000;
const WALK_SKIP = new Set([".git", "node_modules", ".venv", "venv", "__pycache__"]);

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
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (!values.log) throw new UsageError(`--log FILE is required\n${USAGE}`);
  await checkLogFile(values.log);

  const options = values.repo ? await repoOptions(values.repo) : {};
  const handle = await openLog(values.log);
  let diagnosis: Diagnosis;
  try {
    diagnosis = await diagnoseLog(handle.createReadStream({ highWaterMark: 1 << 20 }), options);
  } finally {
    await handle.close().catch(() => undefined);
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
    evidence: diagnosis.evidence.map(redact),
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

async function openLog(path: string) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`cannot read log file '${path}': not a regular file`);
    return await open(path, "r");
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
  const options: DiagnoseOptions = { projectFiles: await listProjectFiles(dir) };
  let text: string | null = null;
  try {
    text = await readFile(join(dir, CONFIG_PATH), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(`cannot read ${join(dir, CONFIG_PATH)}: ${describeFsError(error)}`);
    }
  }
  if (text !== null) {
    const parsed = parseConfigText(text);
    if (!parsed.ok)
      throw new UsageError(`invalid ${join(dir, CONFIG_PATH)}:\n${formatConfigErrors(parsed.errors)}`);
    options.maps = parsed.config.maps;
    options.maxBytes = parsed.config.max_log_bytes;
  }
  return options;
}

/** `git ls-files` when DIR is a git checkout (tracked files only), else a bounded walk. */
async function listProjectFiles(dir: string): Promise<string[]> {
  try {
    const { stdout } = await promisify(execFile)("git", ["-C", dir, "ls-files", "-z"], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const files = stdout.split("\0").filter(Boolean);
    if (files.length > 0) return files;
  } catch {
    // Not a git checkout, or git is missing: walk the folder instead.
  }
  const files: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (files.length >= WALK_LIMIT) return;
      if (WALK_SKIP.has(entry.name)) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(relative(dir, path).split("\\").join("/"));
    }
  };
  await walk(dir);
  return files;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return error instanceof Error ? error.message : String(error);
}
