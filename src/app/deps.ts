import type { OrchestratorConfig, ServiceConfig } from "../config/schema.js";
import type { Trust } from "../deploy/app-identity.js";
import { diagnoseLog } from "../diagnose/diagnose.js";
import type { Diagnosis, Finding } from "../diagnose/types.js";
import { planFix, type FixPlan } from "../patch/plan.js";
import type { RepoReader } from "../patch/types.js";
import { packageRegistry, type PackageRegistry } from "../patch/registry-lookup.js";
import { registrySettings } from "../patch/registry-settings.js";
import type { VersionLookup } from "../patch/versions.js";

/** A log as the diagnosers read it: a stream (job logs can be hundreds of MB) or a string. */
export type LogInput = AsyncIterable<Buffer | string> | string;

export type DiagnoseLogFn = (
  input: LogInput,
  options?: { maps?: OrchestratorConfig["maps"]; projectFiles?: string[]; maxBytes?: number },
) => Promise<Diagnosis>;

export type PlanResult = FixPlan;

export type PlanFixFn = (
  finding: Finding,
  options: {
    serviceName: string;
    service: ServiceConfig;
    config: OrchestratorConfig;
    repo: RepoReader;
    versions?: VersionLookup;
    registry?: PackageRegistry;
    now?: Date;
  },
) => Promise<PlanResult>;

/**
 * Everything the app calls that is not GitHub: injectable so tests can swap them. The GitHub client
 * itself comes from Probot's context (and nock in tests).
 */
export interface AppDeps {
  diagnoseLog: DiagnoseLogFn;
  planFix: PlanFixFn;
  versions: VersionLookup;
  /** PyPI / npm existence and first-release lookups (the dependency-confusion check), cached. */
  registry: PackageRegistry;
  clock: { now(): Date };
  /** At most this many failed jobs / check runs are read per failure. */
  maxFailedJobs?: number;
  /** The app's bot and signing key (src/app/trust.ts); registerHandlers fills it in from the Probot app. */
  trust: Trust;
}

/** AppDeps before registration: the trust comes from the Probot instance the handlers are loaded into. */
export type AppDepsInput = Omit<AppDeps, "trust"> & { trust?: Trust };

/** Registry answers are reused this long by the app (a package's first release date does not change). */
export const REGISTRY_CACHE_TTL_MS = 15 * 60 * 1000;

export function defaultDeps(overrides: Partial<AppDeps> = {}): AppDepsInput {
  const registry =
    overrides.registry ??
    packageRegistry({
      endpoints: registrySettings({ env: process.env }).endpoints,
      ttlMs: REGISTRY_CACHE_TTL_MS,
    });
  return {
    diagnoseLog,
    planFix,
    versions: registry,
    registry,
    clock: { now: () => new Date() },
    ...overrides,
  };
}
