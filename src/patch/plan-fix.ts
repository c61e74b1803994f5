import { posix } from "node:path";
import type { OrchestratorConfig, ServiceConfig } from "../config/schema.js";
import type { Finding } from "../diagnose/finding.js";
import { evaluatePolicy, pathRefusals, type PolicyDecision } from "../policy/evaluate.js";
import { checkPackage, type PackageCheck } from "../policy/package-check.js";
import type { DependencyRequest, Patcher, TargetContext } from "./patcher.js";
import { defaultAllow, PATCHERS, patchersFor } from "./registry.js";
import type { FileChange, RepoReader, TreeEntry } from "./repo-files.js";
import { renderDiff } from "./unified-diff.js";
import { packageRegistry, type PackageRegistry } from "./registry-lookup.js";
import { NO_VERSIONS, type VersionLookup } from "./versions.js";
import { serviceFolder } from "../config/service.js";

export interface PlanOptions {
  serviceName: string;
  service: ServiceConfig;
  config: OrchestratorConfig;
  /** Repository at the base commit (local checkout or GitHub). */
  repo: RepoReader;
  /** Version pins. Default: `registry`. */
  versions?: VersionLookup;
  /** Existence and first-release checks of PyPI / npm names. Default: the public registries, uncached. */
  registry?: PackageRegistry;
  /** The clock for `policy.min_release_age`. Default: now. */
  now?: Date;
  /**
   * False: ask no registry (`orchestrator fix --no-lookup`). A PyPI / npm package is then neither
   * checked nor pinned: it is added without a version, and the summary says it was not checked.
   */
  lookup?: boolean;
  /** The patchers to choose from, in order. Default: the registry (registry.ts). */
  patchers?: readonly Patcher[];
}

export type FixPlan =
  | {
      ok: true;
      changes: FileChange[];
      diff: string;
      summary: string;
      policy: PolicyDecision;
      /** Where the package was checked and when it was first published; null for system packages. */
      packageCheck: PackageCheck | null;
    }
  | { ok: false; reason: string; refusals?: string[] };

interface Target {
  path: string;
  patcher: Patcher;
  /** False when the file does not exist yet and the Dockerfile copies and installs it. */
  exists: boolean;
  why: string;
}

/**
 * Turns a finding into a change set for one service: picks the file that declares the dependency, lets
 * its patcher edit it, renders the diff and runs the policy. Never writes anything.
 */
export async function planFix(finding: Finding, options: PlanOptions): Promise<FixPlan> {
  const { serviceName, service, config, repo } = options;
  const lookup = options.lookup ?? true;
  const registry = options.registry ?? packageRegistry();
  const versions = lookup ? (options.versions ?? registry) : NO_VERSIONS;
  const folder = serviceFolder(service.path);
  // The whole tree, not only the service folder: a symlinked parent folder is an entry above it.
  const fullTree = await repo.listTree("");
  const tree = folder === "" ? fullTree : fullTree.filter((e) => e.path.startsWith(`${folder}/`));

  const from = options.patchers ?? PATCHERS;
  const chosen = await chooseTarget(finding, folder, service, tree, repo, from);
  if ("reason" in chosen) return { ok: false, reason: chosen.reason };
  const { path, patcher } = chosen;

  // A truncated tree may hide a link on the way: the reader then lists the folders along the path.
  const along = (await repo.entriesAlong?.(path)) ?? [];
  const checked = along.length > 0 ? [...fullTree, ...along] : fullTree;
  const mode = checked.findLast((e) => e.path === path)?.mode ?? "100644";
  const early = pathRefusals(path, mode, serviceName, service, checked, defaultAllow(from));
  if (early.length > 0)
    return { ok: false, reason: `refused by policy: ${early.join("; ")}`, refusals: early };

  // Dependency confusion: the name came from a log; only an existing, not brand-new package is proposed.
  // System packages come from the built-in map only, so there is nothing to look up.
  let packageCheck: PackageCheck | null = null;
  const registryPackage = finding.ecosystem === "pypi" || finding.ecosystem === "npm";
  if ((finding.ecosystem === "pypi" || finding.ecosystem === "npm") && lookup) {
    const verdict = await checkPackage(registry, finding.ecosystem, finding.package, {
      minReleaseAge: config.policy.min_release_age,
      now: options.now ?? new Date(),
    });
    if (!verdict.ok) return { ok: false, reason: `refused: ${verdict.reason}`, refusals: [verdict.reason] };
    packageCheck = verdict.check;
  }

  const before = chosen.exists ? await repo.readFile(path) : null;
  if (chosen.exists && before === null)
    return { ok: false, reason: `${path} is listed in the tree but could not be read` };

  const dependency = dependencyOf(finding);
  const outcome = await patcher.apply(before ?? "", dependency, { versions, path });
  if (outcome.status === "present") {
    return { ok: false, reason: `nothing to fix: ${outcome.detail}, so the failure has another cause` };
  }
  if (outcome.status === "unsupported")
    return { ok: false, reason: `cannot fix automatically: ${outcome.reason}` };

  const changes: FileChange[] = [{ path, before, after: outcome.text, mode }];
  const policy = evaluatePolicy(changes, serviceName, service, config, checked, defaultAllow(from));
  if (!policy.allowed) {
    return { ok: false, reason: `refused by policy: ${policy.reasons.join("; ")}`, refusals: policy.reasons };
  }

  const notes = [chosen.why];
  if (outcome.note) notes.push(outcome.note);
  if (registryPackage && !lookup)
    notes.push(
      `not checked on ${finding.ecosystem === "pypi" ? "PyPI" : "the npm registry"} and added without a version (no registry lookup): the name comes from the log, so check that '${finding.package}' is the package you mean, and pin it, before merging`,
    );
  notes.push(...lockFileNotes(patcher, folder, tree));
  const verb = before === null ? "Create" : "Add";
  const summary =
    `${verb} ${outcome.added} ${before === null ? "as" : "to"} ${path} for missing ${describe(finding)}.\n` +
    notes.map((n) => `- ${n}`).join("\n");
  return { ok: true, changes, diff: renderDiff(changes), summary, policy, packageCheck };
}

/** The best candidate file of the patchers that handle the finding's kind, tried by rank. */
async function chooseTarget(
  finding: Finding,
  folder: string,
  service: ServiceConfig,
  tree: TreeEntry[],
  repo: RepoReader,
  from: readonly Patcher[],
): Promise<Target | { reason: string }> {
  const inFolder = (p: string) => (folder === "" ? posix.normalize(p) : posix.join(folder, p));
  const has = (p: string) => tree.some((e) => e.path === p && e.type !== "tree");
  const context: TargetContext = {
    folder,
    dockerfile: inFolder(service.dockerfile),
    inFolder,
    has,
    read: (p) => repo.readFile(p),
  };
  const handlers = patchersFor(finding.kind, from);
  if (handlers.length === 0)
    return { reason: `no patcher handles findings of kind '${String((finding as Finding).kind)}'` };
  const candidates: Array<Target & { rank: number }> = [];
  for (const patcher of handlers)
    for (const candidate of await patcher.candidates(context)) candidates.push({ ...candidate, patcher });
  // Stable: equal ranks keep the registry's order and each patcher's own.
  const best = candidates.sort((a, b) => a.rank - b.rank)[0];
  if (best) return best;
  const why = handlers.find((p) => p.noCandidate)?.noCandidate?.(context);
  return { reason: why ?? `no file for a ${finding.kind} fix in ${folder || "(repository root)"}` };
}

function dependencyOf(finding: Finding): DependencyRequest {
  if (finding.kind !== "system_package") return { name: finding.package };
  const systemPackages = finding.systemPackages ?? {
    [finding.ecosystem === "alpine" ? "alpine" : "debian"]: finding.package,
  };
  return { name: finding.package, systemPackages };
}

function describe(finding: Finding): string {
  const what = {
    python_module: "Python module",
    node_module: "Node module",
    system_package: "system dependency",
  }[finding.kind];
  return `${what} '${finding.missing}' (found by ${finding.diagnoser})`;
}

/** Lock files orchestrator cannot regenerate offline; the reviewer has to. */
function lockFileNotes(patcher: Patcher, folder: string, tree: TreeEntry[]): string[] {
  return patcher.lockFiles
    .map((lock) => (folder === "" ? lock : `${folder}/${lock}`))
    .filter((lock) => tree.some((e) => e.path === lock))
    .map(
      (lock) =>
        `${lock} is not updated by this fix; regenerate it before merging (a frozen install would reject the change)`,
    );
}
