import { ENGINES, type ServiceConfig } from "../../src/config/schema.js";
import type { RunStart } from "../journal/events.js";
import type { DeployEngine, EngineName } from "./types.js";

/**
 * The engine a service deploys with: its own `engine:` in `.github/orchestrator.yml`, else
 * `RUNNER_ENGINE` (the runner's default: one runner serves one environment), else compose.
 */
export function engineFor(serviceConfig: Pick<ServiceConfig, "engine">, env: NodeJS.ProcessEnv): EngineName {
  if (serviceConfig.engine) return serviceConfig.engine;
  const fromEnv = env.RUNNER_ENGINE?.trim();
  if (!fromEnv) return "compose";
  if ((ENGINES as readonly string[]).includes(fromEnv)) return fromEnv as EngineName;
  throw new Error(`RUNNER_ENGINE must be one of ${ENGINES.join(", ")}, got '${fromEnv}'`);
}

/** The engine a journaled run used (older journals have none: compose). */
export function engineOfRun(start: Pick<RunStart, "engine">): EngineName {
  return start.engine ?? "compose";
}

// Loaded on first use: the engines import the pipeline's steps, which import this registry.
const LOADERS: Record<EngineName, () => Promise<DeployEngine>> = {
  compose: async () => (await import("./compose-engine.js")).composeEngine,
  swarm: async () => (await import("./swarm/swarm-engine.js")).swarmEngine,
};

export function loadEngine(name: EngineName): Promise<DeployEngine> {
  return LOADERS[name]();
}
