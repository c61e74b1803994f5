import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatConfigErrors, parseConfigText } from "../config/parse.js";
import { diagnoseLog } from "../diagnose/diagnose.js";
import { planFix } from "../patch/plan-fix.js";
import { packageRegistry, type PackageRegistry } from "../patch/registry-lookup.js";
import { registrySettings, type RegistrySettingsInput } from "../patch/registry-settings.js";
import type { VersionLookup } from "../patch/versions.js";
import { redact } from "../redact/redactor.js";
import { localRepoReader } from "../repo/local-reader.js";
import { writeInsideRepo } from "../repo/safe-write.js";
import { UsageError, type CliIo } from "./io.js";
import { checkLogFile } from "./log-file.js";
import { resolveService } from "../config/service.js";

export const FIX_USAGE = `usage: orchestrator fix --repo DIR --service NAME --log FILE [--write] [--no-lookup]

Diagnoses a build log, plans the allow-listed fix for one service of the checkout in DIR (config from
DIR/.github/orchestrator.yml) and prints the unified diff. --write applies it to the files instead.
A PyPI / npm package is proposed only if it exists on its registry and its first release is older than
policy.min_release_age (registries from PIP_INDEX_URL / pip.conf and npm_config_registry / .npmrc).

  --repo DIR       the checkout holding .github/orchestrator.yml
  --service NAME   the service (a key of 'services' in the config)
  --log FILE       the failing build log
  --write          apply the change instead of printing the diff
  --no-lookup      ask no registry (offline, or no mirror configured): a PyPI / npm package is added
                   without a version and without the registry check, with a note saying so

Exit codes: 0 fixed or nothing to fix, 2 bad input (also a missing, empty, compressed or binary log),
3 refused by policy (or by the registry check, also when no registry answered), 1 other errors.
`;

/** What `--no-lookup` hands the planner: a registry that is never asked (planFix skips it). */
const NO_REGISTRY: PackageRegistry = {
  facts: () => Promise.reject(new Error("--no-lookup: no registry is asked")),
  latest: () => Promise.reject(new Error("--no-lookup: no registry is asked")),
};

export interface FixCommandDeps {
  /** Version lookups for pinned files (default: the registry client below). */
  versions?: VersionLookup;
  /** Existence and first-release lookups (default: the user's registries, cached for this run). */
  registry?: PackageRegistry;
  /** Where the registry settings are read from (default: the process's env, home and /etc files). */
  settings?: Omit<RegistrySettingsInput, "projectNpmrc">;
  now?: Date;
}

export async function fixCommand(argv: string[], io: CliIo, deps: FixCommandDeps = {}): Promise<number> {
  let values: {
    repo?: string;
    service?: string;
    log?: string;
    write?: boolean;
    "no-lookup"?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        repo: { type: "string" },
        service: { type: "string" },
        log: { type: "string" },
        write: { type: "boolean", default: false },
        "no-lookup": { type: "boolean", default: false },
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
  const service = resolveService(config, serviceName)?.config;
  if (!service) {
    throw new UsageError(
      `unknown service '${serviceName}'; services in ${configPath}: ${Object.keys(config.services).join(", ")}`,
    );
  }
  await checkLogFile(logPath);

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

  const lookup = !values["no-lookup"];
  // Built only when it will be asked: with --no-lookup a broken registry setting does not matter.
  const registry = !lookup
    ? NO_REGISTRY
    : (deps.registry ??
      packageRegistry({
        endpoints: registrySettings({
          env: process.env,
          ...deps.settings,
          projectNpmrc: [join(repoDir, service.path, ".npmrc"), join(repoDir, ".npmrc")],
        }).endpoints,
      }));
  const plan = await planFix(diagnosis.finding, {
    serviceName,
    service,
    config,
    repo,
    registry,
    ...(deps.versions ? { versions: deps.versions } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    lookup,
  });
  if (!plan.ok) {
    if (plan.refusals) {
      out(`refused by policy:\n${plan.refusals.map((r) => `- ${r}`).join("\n")}\n`);
      if (plan.refusals.some((r) => r.includes("never proposes a package it could not check")))
        out(
          "no registry answered: point PIP_INDEX_URL / npm_config_registry (or pip.conf / .npmrc) at a mirror you can reach, or pass --no-lookup to add the package unpinned and unchecked\n",
        );
      return 3;
    }
    out(`${plan.reason}\n`);
    return 0;
  }

  out(`${plan.summary}\n`);
  const check = plan.packageCheck;
  if (!lookup && (diagnosis.finding.ecosystem === "pypi" || diagnosis.finding.ecosystem === "npm"))
    out(`registry: not asked (--no-lookup); ${diagnosis.finding.package} is added without a version\n`);
  if (check) {
    out(
      `registry: ${check.name} exists on ${check.registry} (${check.page}), first published ${check.firstPublished} (${check.ageDays} days ago; policy.min_release_age is ${check.minReleaseAge})\n`,
    );
  }
  if (!values.write) {
    out(`\n${plan.diff}`);
    return 0;
  }
  for (const change of plan.changes) {
    // The policy checked the tree; the write checks the disk again (symlinks, real path inside DIR).
    try {
      await writeInsideRepo(repoDir, change.path, change.after);
    } catch (error) {
      err(`orchestrator fix: ${(error as Error).message}\n`);
      return 3;
    }
    out(`wrote ${change.path}\n`);
  }
  return 0;
}
