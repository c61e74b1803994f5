/**
 * A configured service resolved once, with every default applied here: the entry points (command
 * handlers, the poller, the CLIs) look a service up through this module only and pass the result down.
 */
import { composeServiceName, durationMs } from "./parse.js";
import {
  DEFAULT_HEALTH_TIMEOUT,
  DEFAULT_HEALTH_WATCH,
  type OrchestratorConfig,
  type ServiceConfig,
} from "./schema.js";

/** What the runner verifies a deploy with; the schema's defaults, also when `health` is left out. */
export interface ServiceHealth {
  url: string | null;
  timeoutMs: number;
  watchMs: number;
}

export interface ResolvedService {
  name: string;
  config: ServiceConfig;
  /** The service's name in the compose file. */
  composeService: string;
  /** The service's folder in the repository, normalised: no `./`, no trailing `/`, "" for the root. */
  folder: string;
  health: ServiceHealth;
}

/** The folder of a service path, normalised ("" for the repository root). */
export function serviceFolder(path: string): string {
  const folder = path.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return folder === "." ? "" : folder;
}

export function serviceHealth(service: ServiceConfig): ServiceHealth {
  return {
    url: service.health?.url ?? null,
    timeoutMs: durationMs(service.health?.timeout ?? DEFAULT_HEALTH_TIMEOUT),
    watchMs: durationMs(service.health?.watch ?? DEFAULT_HEALTH_WATCH),
  };
}

/** A service entry as a ResolvedService (for callers that were handed the entry itself). */
export function resolvedEntry(name: string, service: ServiceConfig): ResolvedService {
  return {
    name,
    config: service,
    composeService: composeServiceName(name, service),
    folder: serviceFolder(service.path),
    health: serviceHealth(service),
  };
}

/** The configured service of that name, or null when there is none. */
export function resolveService(config: OrchestratorConfig, name: string): ResolvedService | null {
  if (!Object.hasOwn(config.services, name)) return null;
  return resolvedEntry(name, config.services[name]!);
}

/** The configured service of that name; throws when there is none. */
export function requireService(config: OrchestratorConfig, name: string): ResolvedService {
  const service = resolveService(config, name);
  if (!service) throw new Error(`service '${name}' is not configured`);
  return service;
}

/** Every configured service, in the config's order. */
export function allServices(config: OrchestratorConfig): ResolvedService[] {
  return Object.keys(config.services).map((name) => resolvedEntry(name, config.services[name]!));
}
