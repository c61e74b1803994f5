/**
 * The dependency-confusion check. A package name comes from a CI log, and whoever opens a pull request
 * writes that log: a fix may only propose a package that exists on its registry and whose first release
 * is older than `policy.min_release_age` (a name registered yesterday to match a failing import is the
 * attack). System packages come only from the built-in map and are not looked up.
 */
import { REGISTRY_NAME, type PackageEcosystem, type PackageRegistry } from "../patch/registry-lookup.js";
import { errorMessage } from "../../github/errors.js";

/** What the PR body says about the package: where it was checked and when it was first published. */
export interface PackageCheck {
  ecosystem: PackageEcosystem;
  name: string;
  registry: string;
  page: string;
  firstPublished: string;
  ageDays: number;
  minReleaseAge: string;
}

export type PackageVerdict = { ok: true; check: PackageCheck } | { ok: false; reason: string };

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** `policy.min_release_age` in milliseconds: a number of days, or `14d` / `36h` / `90m`. */
export function releaseAgeMs(value: number | string): number {
  if (typeof value === "number") return value * UNITS.d!;
  const match = /^(\d+)([dhm])$/.exec(value);
  if (!match) throw new Error(`policy.min_release_age '${value}' is not a duration such as 14d, 36h or 90m`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

export async function checkPackage(
  registry: PackageRegistry,
  ecosystem: PackageEcosystem,
  name: string,
  options: { minReleaseAge: number | string; now: Date },
): Promise<PackageVerdict> {
  const where = REGISTRY_NAME[ecosystem];
  const minAge = String(options.minReleaseAge).replace(/^(\d+)$/, "$1d");
  let facts;
  try {
    facts = await registry.facts(ecosystem, name);
  } catch (error) {
    const why = errorMessage(error);
    return {
      ok: false,
      reason: `could not check '${name}' on ${where} (${why}); orchestrator never proposes a package it could not check`,
    };
  }
  if (facts === null) {
    return {
      ok: false,
      reason: `'${name}' does not exist on ${where}; the name comes from the log, and orchestrator only proposes published packages`,
    };
  }
  if (facts.firstPublished === null) {
    return {
      ok: false,
      reason: `${where} reports no publish date for '${name}' (${facts.source}), so its age cannot be checked against policy.min_release_age`,
    };
  }
  const ageMs = options.now.getTime() - facts.firstPublished.getTime();
  const ageDays = Math.floor(ageMs / UNITS.d!);
  const first = facts.firstPublished.toISOString();
  if (ageMs < releaseAgeMs(options.minReleaseAge)) {
    return {
      ok: false,
      reason: `'${name}' was first published on ${where} at ${first} (${describeAge(ageMs)} ago), more recently than policy.min_release_age (${minAge}); a newly registered name that matches a failing import is how dependency confusion works, so it is not proposed`,
    };
  }
  return {
    ok: true,
    check: {
      ecosystem,
      name,
      registry: where === REGISTRY_NAME.npm ? "npm" : where,
      page: facts.page,
      firstPublished: first,
      ageDays,
      minReleaseAge: minAge,
    },
  };
}

function describeAge(ms: number): string {
  const hours = Math.floor(Math.max(0, ms) / UNITS.h!);
  return hours < 48 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${Math.floor(hours / 24)} days`;
}
