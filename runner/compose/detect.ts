import { run } from "../process/run.js";
import { pluginProbeArgv, type ComposeFlavor } from "./argv.js";

let detected: Promise<ComposeFlavor> | null = null;
const PROBE_TIMEOUT_MS = 30_000;

/** The argv that tells whether Compose v1 (`docker-compose`) exists (exit code 0 = yes). */
export function standaloneProbeArgv(): string[] {
  return ["docker-compose", "version", "--short"];
}

/**
 * Probes the machine, uncached: `v2` when the `docker compose` plugin answers, else `v1` when
 * `docker-compose` answers, else an error naming both. A machine with both gets v2 (what Docker
 * ships today); `RUNNER_COMPOSE` picks the other. Every probe is bounded: a CLI that hangs counts
 * as absent.
 */
export async function probeComposeFlavor(env: NodeJS.ProcessEnv = process.env): Promise<ComposeFlavor> {
  const plugin = await run(pluginProbeArgv(), { env, timeoutMs: PROBE_TIMEOUT_MS });
  if (plugin.exitCode === 0) return "v2";
  const standalone = await run(standaloneProbeArgv(), { env, timeoutMs: PROBE_TIMEOUT_MS });
  if (standalone.exitCode === 0) return "v1";
  throw new Error(
    "no Compose found: `docker compose version` and `docker-compose version` both failed " +
      "(install the Compose v2 plugin or docker-compose v1, or set RUNNER_COMPOSE)",
  );
}

/**
 * The flavor the runner uses: `RUNNER_COMPOSE=v1|v2` when set (no probe; for a machine with both),
 * else probeComposeFlavor, once per process.
 */
export function detectComposeFlavor(env: NodeJS.ProcessEnv = process.env): Promise<ComposeFlavor> {
  const forced = env.RUNNER_COMPOSE;
  if (forced === "v1" || forced === "v2") return Promise.resolve(forced);
  if (forced) return Promise.reject(new Error(`RUNNER_COMPOSE must be 'v1' or 'v2', got '${forced}'`));
  detected ??= probeComposeFlavor(env);
  // A failed probe is not kept: the next deploy probes again (Compose may have been installed since).
  detected.catch(() => (detected = null));
  return detected;
}
