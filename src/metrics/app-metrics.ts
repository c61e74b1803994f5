/**
 * The app's metrics, one registry per process: fix PRs opened / refused (and the other outcomes of a
 * fix), diagnoses by kind and result, GitHub API requests and the rate limit left, plus Node's
 * process metrics. Served on the app's `/metrics`; sent to StatsD too when STATSD_HOST is set.
 */
import { collectDefaultMetrics, Counter, Registry } from "prom-client";
import { githubRequestMetrics, type GitHubRequestMetrics } from "./github-requests.js";
import { NO_STATSD, type Statsd } from "./statsd.js";

export interface AppMetrics {
  readonly registry: Registry;
  readonly github: GitHubRequestMetrics;
  /** A fix attempt's outcome: opened, existing, refused, closed-before, planned. */
  fix(outcome: string): void;
  /** One diagnosed log: the finding's kind (or `none`) and `fixable`, `not_fixable` or `error`. */
  diagnosis(kind: string, result: "fixable" | "not_fixable" | "error"): void;
  useStatsd(statsd: Statsd): void;
}

export function createAppMetrics(options: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: "orchestrator_app_" });
  let statsd: Statsd = NO_STATSD;
  const fixes = new Counter({
    name: "orchestrator_fix_prs_total",
    help: "Fix attempts by outcome (opened: a new fix PR; refused: planner or policy said no; existing; closed-before; planned).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const diagnoses = new Counter({
    name: "orchestrator_diagnoses_total",
    help: "Failure logs diagnosed, by finding kind (none: nothing fixable) and result.",
    labelNames: ["kind", "result"],
    registers: [registry],
  });
  return {
    registry,
    github: githubRequestMetrics(registry),
    fix(outcome) {
      fixes.inc({ outcome });
      statsd.increment(`fixes.${outcome}`);
    },
    diagnosis(kind, result) {
      diagnoses.inc({ kind, result });
      statsd.increment(`diagnoses.${kind}.${result}`);
    },
    useStatsd(next) {
      statsd = next;
    },
  };
}

let shared: AppMetrics | null = null;

/** The process's app metrics (created on first use). */
export function appMetrics(): AppMetrics {
  shared ??= createAppMetrics();
  return shared;
}
