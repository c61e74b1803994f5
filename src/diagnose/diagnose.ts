import type { OrchestratorConfig } from "../config/schema.js";
import { Collector, tailNote } from "./collector.js";
import { assertTextLog } from "./input-check.js";
import { DISTRO_TRIGGERS } from "./distro.js";
import type { DeclaredDependencies } from "./manifests.js";
import { EMPTY_MAPS, type DiagnoseMaps, type Diagnoser } from "./diagnoser.js";
import { scanLines, type LogInput } from "./line-scanner.js";
import { isTailReadable, type TailReadable } from "./tail-source.js";
import { indexProjectFiles } from "./project-index.js";
import { list } from "./registry.js";
import type { Diagnosis } from "./finding.js";

export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export interface DiagnoseOptions {
  /** Per-repository extra names from config (a null value means: never fix this name). */
  maps?: OrchestratorConfig["maps"];
  /** Repo-relative paths of the repository, to recognise the project's own modules. */
  projectFiles?: string[];
  /** Size cap (default 256 MiB): reading stops there and the reason says so. */
  maxBytes?: number;
  /** Diagnosers to use instead of the registry's (tests, experiments). */
  diagnosers?: readonly Diagnoser[];
  /** What the service's manifests declare: such a package is never proposed again ("declared but not installed"). */
  declared?: DeclaredDependencies;
  /** The service Dockerfile's base image: it decides Debian or Alpine package names. */
  dockerBase?: string | null;
  /** Set by diagnoseFile: the input starts this many bytes into a log of `totalBytes` (its tail was read). */
  skipBytes?: number;
  totalBytes?: number;
  /** Set by diagnoseFile: the input starts in the middle of a line. */
  startsMidLine?: boolean;
}

/**
 * Reads a CI / build log (streaming, bounded memory) and names the missing dependency, if the log shows
 * one that is safe to fix. `finding` is null for look-alikes (the project's own modules, relative paths,
 * standard-library names, typos) and for failures that are not missing dependencies; `reason` says why.
 */
export async function diagnoseLog(
  input: LogInput | TailReadable,
  options: DiagnoseOptions = {},
): Promise<Diagnosis> {
  const maxBytes = checkedMaxBytes(options.maxBytes);
  if (isTailReadable(input)) {
    // A log that can be read from an offset: only its last maxBytes are fetched.
    const tail = await input.readTail(maxBytes);
    return diagnoseLog(tail.chunks, {
      ...options,
      skipBytes: tail.skipBytes,
      ...(tail.totalBytes !== undefined ? { totalBytes: tail.totalBytes } : {}),
      startsMidLine: tail.startsMidLine,
    });
  }
  const { collector, prefilter } = prepare(options);
  const { bytesRead, truncated, tail } = await scanLines(
    typeof input === "string" ? input : checkedInput(input),
    {
      maxBytes,
      startsMidLine: options.startsMidLine ?? false,
      prefilter,
      onLine: collector.onLine,
    },
  );
  collector.readTail(tail);
  const skipped = options.skipBytes ?? 0;
  if (skipped > 0) {
    const total = options.totalBytes ?? skipped + bytesRead;
    return collector.result(bytesRead, true, maxBytes, tailNote(skipped, total));
  }
  return collector.result(bytesRead, truncated, maxBytes);
}

/**
 * The collector and the scanner's prefilter for one diagnosis (shared with `diagnoseFile`). Without
 * `distroLines`, the prefilter leaves out the lines that only name a distribution (apt, apk, image tags):
 * a file read that finds no system package does not need them, and the scan is faster without them.
 */
export function prepare(
  options: DiagnoseOptions,
  { distroLines = true }: { distroLines?: boolean } = {},
): { collector: Collector; prefilter: RegExp } {
  const diagnosers = options.diagnosers ?? list();
  const collector = new Collector(
    diagnosers,
    {
      maps: toMaps(options.maps),
      project: options.projectFiles ? indexProjectFiles(options.projectFiles) : null,
      declared: options.declared ?? null,
    },
    options.dockerBase ?? null,
  );
  const prefilter = buildPrefilter([
    ...diagnosers.flatMap((d) => d.triggers),
    ...(distroLines ? DISTRO_TRIGGERS : []),
  ]);
  return { collector, prefilter };
}

/** Refuses binary or compressed input from its first chunk (BinaryLogError), then passes every chunk on. */
async function* checkedInput(input: Exclude<LogInput, string>): AsyncIterable<Buffer | string> {
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    if (first && typeof chunk !== "string") assertTextLog(chunk, "the log");
    first = false;
    yield chunk;
  }
}

/**
 * One regex over all trigger literals. A trigger containing another is dropped: any line holding the
 * longer one holds the shorter one too. The rest are factored by common prefix (`Cannot find module` and
 * `Cannot find package` become `Cannot find (?:module|package)`): fewer alternatives to try at each
 * position of the log, which is most of what a scan over a log with nothing to fix costs.
 */
export function buildPrefilter(triggers: readonly string[]): RegExp {
  const unique = [...new Set(triggers)];
  const minimal = unique.filter((t) => !unique.some((other) => other !== t && t.includes(other)));
  if (minimal.length === 0) throw new Error("buildPrefilter needs at least one trigger");
  return new RegExp(prefixTree(minimal.sort()), "g");
}

/** Literals (none a prefix of another, since none contains another) as a regex factored by common prefix. */
function prefixTree(words: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const word of words) {
    const group = groups.get(word[0]!);
    if (group) group.push(word);
    else groups.set(word[0]!, [word]);
  }
  const branches = [...groups.values()].map((group) => {
    if (group.length === 1) return escapeLiteral(group[0]!);
    let common = 1;
    while (group.every((word) => word[common] === group[0]![common])) common++;
    return escapeLiteral(group[0]!.slice(0, common)) + prefixTree(group.map((word) => word.slice(common)));
  });
  return branches.length === 1 ? branches[0]! : `(?:${branches.join("|")})`;
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The size cap, checked: a positive integer number of bytes (default 256 MiB). */
export function checkedMaxBytes(value: number | undefined): number {
  const maxBytes = value ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`maxBytes must be a positive integer number of bytes, got ${String(value)}`);
  }
  return maxBytes;
}

function toMaps(maps: DiagnoseOptions["maps"]): DiagnoseMaps {
  if (!maps) return EMPTY_MAPS;
  return { python: maps.python ?? {}, node: maps.node ?? {}, system: maps.system ?? {} };
}
