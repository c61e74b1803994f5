import { run } from "../process/run.js";
import { pluginProbeArgv, type ComposeFlavor } from "./argv.js";

let detected: Promise<ComposeFlavor> | null = null;
const PROBE_TIMEOUT_MS = 30_000;

/**
 * `v2` when `docker compose version` exits 0, else `v1` (`docker-compose`). Probed once per process;
 * `RUNNER_COMPOSE=v1|v2` overrides the probe (useful when both exist).
 */
export function detectComposeFlavor(env: NodeJS.ProcessEnv = process.env): Promise<ComposeFlavor> {
  const forced = env.RUNNER_COMPOSE;
  if (forced === "v1" || forced === "v2") return Promise.resolve(forced);
  if (forced) return Promise.reject(new Error(`RUNNER_COMPOSE must be 'v1' or 'v2', got '${forced}'`));
  // Bounded like every other wait: a CLI that hangs counts as no plugin.
  detected ??= run(pluginProbeArgv(), { env, timeoutMs: PROBE_TIMEOUT_MS }).then((result) =>
    result.exitCode === 0 ? "v2" : "v1",
  );
  return detected;
}
