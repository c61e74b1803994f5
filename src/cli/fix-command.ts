import { createReadStream } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { formatConfigErrors, parseConfigText } from "../config/parse.js";
import { diagnoseLog } from "../diagnose/diagnose.js";
import { planFix } from "../patch/plan.js";
import type { VersionLookup } from "../patch/versions.js";
import { redact } from "../redact/redactor.js";
import { localRepoReader } from "../repo/local-reader.js";
import { UsageError, type CliIo } from "./io.js";

export const FIX_USAGE = `usage: orchestrator fix --repo DIR --service NAME --log FILE [--write]

Diagnoses a build log, plans the allow-listed fix for one service of the checkout in DIR (config from
DIR/.github/orchestrator.yml) and prints the unified diff. --write applies it to the files instead.
Exit codes: 0 fixed or nothing to fix, 2 bad input, 3 refused by policy.
`;

export interface FixCommandDeps {
  /** Version lookups for pinned files (default: PyPI and the npm registry). */
  versions?: VersionLookup;
}

export async function fixCommand(argv: string[], io: CliIo, deps: FixCommandDeps = {}): Promise<number> {
  let values: { repo?: string; service?: string; log?: string; write?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        repo: { type: "string" },
        service: { type: "string" },
        log: { type: "string" },
        write: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${FIX_USAGE}`);
  }
  if (values.help) {
    io.stdout.write(FIX_USAGE);
    return 0;
  }
  const missing = (["repo", "service", "log"] as const).filter((k) => !values[k]);
  if (missing.length > 0)
    throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(", ")}\n${FIX_USAGE}`);
  const repoDir = values.repo!;
  const serviceName = values.service!;
  const logPath = values.log!;
  const out = (text: string) => io.stdout.write(redact(text));
  const err = (text: string) => io.stderr.write(redact(text));

  const configPath = join(repoDir, ".github", "orchestrator.yml");
  let configText: string;
  try {
    configText = await readFile(configPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `no config at ${configPath}: create .github/orchestrator.yml with a 'services' map first`
        : `cannot read ${configPath}: ${(error as Error).message}`,
    );
  }
  const parsed = parseConfigText(configText);
  if (!parsed.ok) {
    err(`orchestrator fix: ${configPath} is invalid:\n${formatConfigErrors(parsed.errors)}\n`);
    return 2;
  }
  const config = parsed.config;
  const service = config.services[serviceName];
  if (!service) {
    throw new UsageError(
      `unknown service '${serviceName}'; services in ${configPath}: ${Object.keys(config.services).join(", ")}`,
    );
  }
  try {
    if (!(await stat(logPath)).isFile()) throw new Error("not a file");
  } catch {
    throw new UsageError(`cannot read the log file ${logPath}`);
  }

  const repo = localRepoReader(repoDir);
  const projectFiles = (await repo.listTree("")).filter((e) => e.type === "blob").map((e) => e.path);
  const diagnosis = await diagnoseLog(createReadStream(logPath), {
    maps: config.maps,
    projectFiles,
    maxBytes: config.max_log_bytes,
  });
  if (!diagnosis.finding) {
    out(`nothing to fix: ${diagnosis.reason}\n`);
    for (const line of diagnosis.evidence) out(`  ${line}\n`);
    return 0;
  }
  out(`diagnosis: ${diagnosis.reason}\n`);
  if (diagnosis.serviceHints.length > 0 && !diagnosis.serviceHints.includes(serviceName)) {
    err(`warning: the log points at ${diagnosis.serviceHints.join(", ")}, not at '${serviceName}'\n`);
  }

  const plan = await planFix(diagnosis.finding, {
    serviceName,
    service,
    config,
    repo,
    ...(deps.versions ? { versions: deps.versions } : {}),
  });
  if (!plan.ok) {
    if (plan.refusals) {
      out(`refused by policy:\n${plan.refusals.map((r) => `- ${r}`).join("\n")}\n`);
      return 3;
    }
    out(`${plan.reason}\n`);
    return 0;
  }

  out(`${plan.summary}\n`);
  if (!values.write) {
    out(`\n${plan.diff}`);
    return 0;
  }
  for (const change of plan.changes) {
    // Paths passed the policy (relative, inside the service folder, no '..'), so joining is safe.
    const target = join(repoDir, change.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, change.after);
    out(`wrote ${change.path}\n`);
  }
  return 0;
}
