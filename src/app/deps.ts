import type { Trust } from "../deploy/app-identity.js";
import { packageRegistry, type PackageRegistry } from "../patch/registry-lookup.js";
import { registrySettings } from "../patch/registry-settings.js";
import type { VersionLookup } from "../patch/versions.js";

/**
 * What the app's tests swap: the version and package-registry lookups and the clock. The GitHub
 * client itself comes from Probot's context (and nock in tests).
 */
export interface AppDeps {
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
    versions: registry,
    registry,
    clock: { now: () => new Date() },
    ...overrides,
  };
}
