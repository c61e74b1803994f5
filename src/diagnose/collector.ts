import { windowWithoutCutWords } from "../redact/cut.js";
import { redact } from "../redact/redactor.js";
import type { Diagnoser, LineContext, Observation, ResolveContext, Resolution } from "./diagnoser.js";
import { declaredReason } from "./declared.js";
import { DISTRO_TRIGGERS, DistroDetector, distroOfLine, isBusyboxNotFound } from "./distro.js";
import { matchFailureSignal, type FailureSignal } from "./failure-signals.js";
import type { RawContext } from "./line-scanner.js";
import { normalizeLine } from "./normalize-line.js";
import { ServiceHintSet, matchServiceHints } from "./service-hints.js";
import type { Diagnosis, DistroChoice, Ecosystem, Finding, SystemFamily } from "./finding.js";

const LINE_WINDOW_BEFORE = 1024;
const LINE_WINDOW_AFTER = 3072;
const MAX_EVIDENCE_LINES = 5;
const MAX_EVIDENCE_CHARS = 400;
const RESOLUTION_CACHE_LIMIT = 1000;
const UNMATCHED_CACHE_LIMIT = 4096;

interface Seen {
  diagnoser: Diagnoser;
  observation: Observation;
  resolution: Resolution;
  /** Position in the log: a higher order is later. */
  order: number;
}

const MAX_FIXABLES = 64;
const EPOCH = 2 ** 32;

/**
 * Receives candidate lines from the scanner, asks the diagnosers, and keeps only what the verdict needs:
 * the last fixable observation (the last fatal error of a build is the most relevant one), the last
 * refused one (to explain a null), and service hints from those lines. The log's tail (`readTail`) adds
 * the error markers that name the failing service and the last failure that is not a dependency.
 */
export class Collector {
  /** Fixable observations, latest last (bounded): a later refusal of a name read earlier can strike one. */
  private readonly fixables: Seen[] = [];
  private lastRefused: Seen | null = null;
  /** Where in the log a line is: windows read from the end of a file get lower epochs, each older one. */
  private epoch = 0;
  private seq = 0;
  private lastSignal: FailureSignal | null = null;
  private readonly hints = new ServiceHintSet();
  private readonly cache = new Map<string, Resolution>();
  /**
   * Names refused for where they were asked from (a dependency's folder, an alias), with the position of
   * the first such refusal: a later repeat of the same error is refused too.
   */
  private readonly refusedByContext = new Map<string, { reason: string; order: number }>();
  /** Candidate lines (normalized) no diagnoser matched; their `match` results do not depend on context. */
  private readonly unmatched = new Set<string>();
  private readonly distro: DistroDetector;

  constructor(
    private readonly diagnosers: readonly Diagnoser[],
    private readonly context: ResolveContext,
    dockerBase: string | null = null,
  ) {
    this.distro = new DistroDetector(dockerBase);
  }

  readonly onLine = (raw: string, matchIndex: number, rawContext: RawContext): void => {
    const { text, composeService } = normalizeLine(windowAround(raw, matchIndex));
    // CI logs repeat their noise: a line no diagnoser matched is not looked at again.
    if (this.unmatched.has(text)) return;
    const order = this.nextOrder();
    const distro = DISTRO_TRIGGERS.some((trigger) => text.includes(trigger)) ? distroOfLine(text) : null;
    if (distro) this.distro.observe(text, distro, order);
    else if (isBusyboxNotFound(text)) this.distro.observeWeak(text, "alpine", order);
    const context = new NormalizedContext(rawContext);
    for (const diagnoser of this.diagnosers) {
      if (!diagnoser.triggers.some((trigger) => text.includes(trigger))) continue;
      const observation = diagnoser.match(text, context);
      if (!observation) continue;
      // The failing line names its service best: compose prefix, `services/<name>/` in a path.
      if (composeService) this.hints.add({ name: composeService, strong: true }, order);
      if (observation.distro) this.distro.observe(text, observation.distro, order);
      for (const line of observation.evidence)
        for (const hint of matchServiceHints(line)) this.hints.add(hint, order);
      this.record(diagnoser, observation, order);
      return;
    }
    if (!distro) {
      if (this.unmatched.size >= UNMATCHED_CACHE_LIMIT) this.unmatched.clear();
      this.unmatched.add(text);
    }
  };

  /**
   * The end of the log, read once: BuildKit / compose error markers that name the failing service, and
   * the last failure that is not a missing dependency (used only when nothing else explains the log).
   */
  readTail(tail: string): void {
    for (const raw of tail.split("\n")) {
      const { text } = normalizeLine(raw);
      const order = this.nextOrder();
      if (DISTRO_TRIGGERS.some((trigger) => text.includes(trigger)) && distroOfLine(text))
        this.distro.observe(text, undefined, order);
      for (const hint of matchServiceHints(text)) this.hints.add(hint, order);
      this.lastSignal = matchFailureSignal(text) ?? this.lastSignal;
    }
  }

  result(
    bytesRead: number,
    truncated: boolean,
    maxBytes: number,
    note = truncatedNote(truncated, maxBytes),
  ): Diagnosis {
    const base = { serviceHints: this.hints.list(), bytesRead, truncated };
    const fixable = this.lastFixable;
    if (fixable && fixable.resolution.fixable) {
      const { resolution, observation, diagnoser } = fixable;
      const evidence = capEvidence(observation.evidence);
      let confidence = resolution.confidence ?? 0.9;
      let ecosystem: Ecosystem = resolution.ecosystem;
      let pkg = resolution.package;
      let distro: DistroChoice | undefined;
      let distroNote = "";
      if (resolution.kind === "system_package" && resolution.systemPackages) {
        distro = this.distro.choice();
        const picked = pickSystemPackage(resolution.systemPackages, distro);
        ecosystem = picked.ecosystem;
        pkg = picked.package;
        if (distro.source === "assumed") {
          confidence *= 0.9;
          distroNote = "; no distribution named in the log or Dockerfile: Debian names assumed";
        } else if (distro.weak) {
          confidence *= 0.9;
          distroNote = `; ${distro.name} (only busybox's "sh: x: not found" wording in the log says so; no line or Dockerfile names the distribution): ${pkg}`;
        } else {
          distroNote = `; ${distro.name} (from the ${distro.source === "dockerfile" ? "Dockerfile base" : "log"}): ${pkg}`;
        }
      }
      const finding: Finding = {
        kind: resolution.kind,
        missing: observation.missing,
        package: pkg,
        ecosystem,
        ...(resolution.systemPackages ? { systemPackages: resolution.systemPackages } : {}),
        evidence,
        diagnoser: diagnoser.name,
        confidence: Math.round(confidence * 100) / 100,
      };
      return {
        ...base,
        finding,
        reason: `${resolution.summary}${distroNote}${note}`,
        evidence,
        ...(distro ? { distro } : {}),
      };
    }
    const refused = this.lastRefused;
    if (refused && !refused.resolution.fixable) {
      const evidence = capEvidence(refused.observation.evidence);
      return { ...base, finding: null, reason: `not fixable: ${refused.resolution.reason}${note}`, evidence };
    }
    if (this.lastSignal) {
      return {
        ...base,
        finding: null,
        reason: `no missing dependency found; the failure looks like a ${this.lastSignal.kind}${note}`,
        evidence: capEvidence([this.lastSignal.line]),
      };
    }
    return { ...base, finding: null, reason: `no missing dependency found in the log${note}`, evidence: [] };
  }

  /**
   * The lines that follow come from the part of the log just before everything read so far (a file read
   * from its end, window by window): they rank as older than all of it.
   */
  beginOlderWindow(): void {
    this.epoch--;
    this.seq = 0;
  }

  /** The latest fixable observation, if any. */
  private get lastFixable(): Seen | null {
    return this.fixables.at(-1) ?? null;
  }

  /** A fixable finding is known; `needsDistro` when it is a system package and nothing named the distribution yet. */
  settled(): { fixable: boolean; needsDistro: boolean } {
    const best = this.lastFixable;
    if (!best) return { fixable: false, needsDistro: false };
    const system = best.resolution.fixable && best.resolution.kind === "system_package";
    return { fixable: true, needsDistro: system && !this.distro.decided };
  }

  /**
   * The finding is a system package whose distribution the Dockerfile does not name: the lines that name
   * one (wherever they are in the log) decide its package name, so a read that left them out must be redone.
   */
  needsDistroLines(): boolean {
    const best = this.lastFixable;
    return (
      best !== null &&
      best.resolution.fixable &&
      best.resolution.kind === "system_package" &&
      !this.distro.decidedByDockerfile
    );
  }

  private nextOrder(): number {
    return this.epoch * EPOCH + ++this.seq;
  }

  private record(diagnoser: Diagnoser, observation: Observation, order: number): void {
    const key = `${diagnoser.name}\0${observation.missing}`;
    if (observation.notFixable) {
      const first = this.refusedByContext.get(key);
      if (!first || order < first.order) {
        if (first || this.refusedByContext.size < RESOLUTION_CACHE_LIMIT)
          this.refusedByContext.set(key, { reason: observation.notFixable, order });
        // Read out of order (a window older than what was read): strike the later repeats already kept.
        this.strikeLaterRepeats(key, observation.notFixable, order);
      }
      this.keepRefused({
        diagnoser,
        observation,
        resolution: { fixable: false, reason: observation.notFixable },
        order,
      });
      return;
    }
    // A later mention of a name already refused for its requirer (a summary line, a retry) is the same
    // failure, even where that line alone no longer shows who asked for it.
    const refusedBefore = this.refusedByContext.get(key);
    let resolution: Resolution =
      refusedBefore && refusedBefore.order < order
        ? { fixable: false, reason: refusedBefore.reason }
        : this.resolve(diagnoser, observation.missing);
    if (resolution.fixable && this.context.declared) {
      const declared = declaredReason(resolution, this.context.declared);
      if (declared) resolution = { fixable: false, reason: declared };
    }
    const seen = { diagnoser, observation, resolution, order };
    if (resolution.fixable) this.keepFixable(seen);
    else this.keepRefused(seen);
  }

  private keepFixable(seen: Seen): void {
    let at = this.fixables.length;
    while (at > 0 && this.fixables[at - 1]!.order > seen.order) at--;
    this.fixables.splice(at, 0, seen);
    if (this.fixables.length > MAX_FIXABLES) this.fixables.shift();
  }

  private keepRefused(seen: Seen): void {
    if (!this.lastRefused || seen.order >= this.lastRefused.order) this.lastRefused = seen;
  }

  private strikeLaterRepeats(key: string, reason: string, order: number): void {
    for (let i = this.fixables.length - 1; i >= 0; i--) {
      const seen = this.fixables[i]!;
      if (seen.order <= order || `${seen.diagnoser.name}\0${seen.observation.missing}` !== key) continue;
      this.fixables.splice(i, 1);
      this.keepRefused({ ...seen, resolution: { fixable: false, reason } });
    }
  }

  private resolve(diagnoser: Diagnoser, missing: string): Resolution {
    const key = `${diagnoser.name}\0${missing}`;
    let resolution = this.cache.get(key);
    if (!resolution) {
      resolution = diagnoser.resolve(missing, this.context);
      if (this.cache.size >= RESOLUTION_CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, resolution);
    }
    return resolution;
  }
}

/** Diagnosers never see more than a few KiB of one line, centred on what the prefilter found. */
function windowAround(line: string, index: number): string {
  if (line.length <= LINE_WINDOW_BEFORE + LINE_WINDOW_AFTER) return line;
  // A token cut in half at a window edge would no longer look like one: drop the cut words.
  return windowWithoutCutWords(line, index - LINE_WINDOW_BEFORE, index + LINE_WINDOW_AFTER);
}

/** The raw context's lines, normalized on first use (a class: one small allocation per matched line). */
class NormalizedContext implements LineContext {
  private beforeLines: string[] | null = null;
  private afterLines: string[] | null = null;

  constructor(private readonly raw: RawContext) {}

  get before(): string[] {
    return (this.beforeLines ??= this.raw.before.map((line) => normalizeLine(line).text));
  }

  get after(): string[] {
    return (this.afterLines ??= this.raw.after.map((line) => normalizeLine(line).text));
  }
}

function capEvidence(lines: readonly string[]): string[] {
  return lines.slice(-MAX_EVIDENCE_LINES).map((raw) => {
    // Redact before the cut: a token cut at 400 characters would no longer look like one.
    const line = redact(raw);
    return line.length > MAX_EVIDENCE_CHARS ? `${line.slice(0, MAX_EVIDENCE_CHARS)}…` : line;
  });
}

function truncatedNote(truncated: boolean, maxBytes: number): string {
  return truncated
    ? ` (stopped reading at ${formatBytes(maxBytes)}, the size cap: the rest of the log was not read)`
    : "";
}

/** The package name for the chosen distribution (Ubuntu uses Debian's names); Debian when the other is unknown. */
function pickSystemPackage(
  packages: Partial<Record<SystemFamily, string>>,
  distro: DistroChoice,
): { ecosystem: Ecosystem; package: string } {
  if (distro.name === "alpine" && packages.alpine) return { ecosystem: "alpine", package: packages.alpine };
  if (packages.debian) return { ecosystem: "debian", package: packages.debian };
  return { ecosystem: "alpine", package: packages.alpine! };
}

/** The reason's note when only the end of a log above the size cap was read. */
export function tailNote(skipped: number, total: number): string {
  return ` (the log is ${formatBytes(total)}, above the size cap: read only its last ${formatBytes(total - skipped)}; the first ${formatBytes(skipped)} were skipped)`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
