/** Contracts shared by the diagnosers, the app, the runner and the CLI. */

export type FindingKind = "python_module" | "node_module" | "system_package";
export type Ecosystem = "pypi" | "npm" | "debian" | "alpine";
export type SystemFamily = "debian" | "alpine" | "rpm";

/** A missing dependency found in a log. */
export interface Finding {
  kind: FindingKind;
  /** What the log says is missing: import name, module specifier, header, pkg-config name or tool. */
  missing: string;
  /** The package that provides it, in `ecosystem`. */
  package: string;
  ecosystem: Ecosystem;
  /** system_package only: the package name per base-image family (the patcher picks by FROM). */
  systemPackages?: Partial<Record<SystemFamily, string>>;
  /** The log lines that prove it, raw (redaction happens at the output boundary). */
  evidence: string[];
  /** Name of the diagnoser that produced it. */
  diagnoser: string;
  /** How sure the diagnosis is, from 0 to 1 (lower when a name or the distribution was assumed); always set by diagnoseLog. */
  confidence?: number;
}

export type DistroName = "debian" | "ubuntu" | "alpine";

/** The distribution system package names were chosen for, and what said so. */
export interface DistroChoice {
  name: DistroName;
  /** `dockerfile`: the service's FROM line; `log`: a line of the log; `assumed`: nothing said, Debian assumed. */
  source: "dockerfile" | "log" | "assumed";
  /** The FROM image or log line that decided it (absent when assumed). */
  evidence?: string;
  /** Only the shell's wording said so (busybox's `sh: x: not found`): a weaker sign, lower confidence. */
  weak?: boolean;
}

/** The result of reading one log. */
export interface Diagnosis {
  finding: Finding | null;
  /** Why there is nothing to fix (look-alike, no match, ...) or a one-line summary of the finding. */
  reason: string;
  /** Evidence lines (also when nothing is fixable, e.g. the look-alike line). */
  evidence: string[];
  /** Service names the log itself points at (`Building api`, BuildKit `[api 3/5]`, `services/api/...`). */
  serviceHints: string[];
  bytesRead: number;
  /** True when only part of the log was read (the size cap); `reason` then says which part. */
  truncated: boolean;
  /** Set for system-package findings: which distribution's names were chosen, and why. */
  distro?: DistroChoice;
}
