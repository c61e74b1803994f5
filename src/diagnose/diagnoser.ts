import type { ProjectIndex } from "./project-index.js";
import type { DeclaredDependencies } from "./manifests.js";
import type { DistroName, Ecosystem, FindingKind, SystemFamily } from "./finding.js";

/** The contract every diagnoser plug-in implements (see registry.ts). Both methods are pure. */
export interface Diagnoser {
  /** Unique, kebab-case; becomes `Finding.diagnoser`. */
  readonly name: string;
  /** The kind of finding it usually produces (a tool can also resolve to a PyPI or npm package). */
  readonly kind: FindingKind;
  /**
   * Literal substrings, case-sensitive. The engine only looks at lines containing one of them, and only
   * hands a line to `match` when it contains one of this diagnoser's own: keep them short and specific.
   */
  readonly triggers: readonly string[];
  /** Reads one normalized line (no timestamp, colour or BuildKit prefix) and says what is missing. */
  match(line: string, context: LineContext): Observation | null;
  /** Maps what is missing to a package, or explains why it must not be fixed. */
  resolve(missing: string, context: ResolveContext): Resolution;
}

/** Lines around the one being matched, normalized the same way, nearest last (`before`) / first (`after`). */
export interface LineContext {
  before: readonly string[];
  after: readonly string[];
}

export interface Observation {
  /** The name as the log spells it: import name, module specifier, header, pkg-config name or tool. */
  missing: string;
  /** The matched line plus a little context. */
  evidence: string[];
  /** Set when the line itself shows this is not a missing dependency (e.g. `'x' is not a package`). */
  notFixable?: string;
  /** Set when the line itself shows the distribution (musl's wording means Alpine). */
  distro?: DistroName;
}

export interface DiagnoseMaps {
  python: Readonly<Record<string, string | null>>;
  node: Readonly<Record<string, string | null>>;
  system: Readonly<Record<string, Partial<Record<SystemFamily, string>> | null>>;
}

export interface ResolveContext {
  /** Per-repository names from `.github/orchestrator.yml` (`maps`); they win over everything else. */
  maps: DiagnoseMaps;
  /** The repository's own files, when known. */
  project: ProjectIndex | null;
  /** What the repository's manifests already declare, when known (`--repo`, the app's checkout). */
  declared?: DeclaredDependencies | null;
}

export type Resolution =
  | {
      fixable: true;
      kind: FindingKind;
      package: string;
      ecosystem: Ecosystem;
      systemPackages?: Partial<Record<SystemFamily, string>>;
      /** One line for humans: what is missing and what to add. */
      summary: string;
      /** 0..1; default 0.9. Lower when the package name is only a guess (import name = distribution name). */
      confidence?: number;
    }
  | { fixable: false; reason: string };

export const EMPTY_MAPS: DiagnoseMaps = { python: {}, node: {}, system: {} };
