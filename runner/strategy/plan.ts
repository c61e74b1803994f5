import { durationMs } from "../../src/config/parse.js";
import type { DeployStrategy, ServiceConfig } from "../../src/config/schema.js";
import type { ServiceShape } from "./service-shape.js";

/** How this run replaces the running container, decided before anything is touched. */
export interface StrategyPlan {
  strategy: DeployStrategy;
  /** Where the choice came from. */
  source: "orchestrator.yml" | "compose update_config.order" | "default";
  /** start-first: how long the old container keeps serving after the switch, before its stop. */
  drainMs: number;
  /** start-first: argv run inside each old container before it is stopped. */
  preStop: string[] | null;
  /** Seconds an old container gets between SIGTERM and SIGKILL (`stop_grace_period`). */
  stopGraceS: number;
  /** Compose's `update_config.monitor`: the new container's watch window is at least this long. */
  monitorMs: number | null;
  /** Lines for restart.log: what was read and how it was applied. */
  notes: string[];
}

/**
 * start-first's default drain: the new container joins the service's DNS name only once verified, so
 * the old one keeps serving this long after that, for proxies that cache DNS answers (nginx
 * `resolver ... valid=1s`) to see the new address before the old one stops.
 */
export const DEFAULT_DRAIN_MS = 2_000;

export const PROXY_SECTION =
  "see the README section 'Zero-downtime deploys (start-first)' for a reverse-proxy setup";

/**
 * The strategy for a service: `deploy.strategy` in orchestrator.yml wins, else the compose file's
 * `deploy.update_config.order`, else `recreate`. Refuses (a reason string) what cannot work.
 */
export function planStrategy(
  config: ServiceConfig,
  shape: ServiceShape,
  service: string,
): { ok: true; plan: StrategyPlan } | { ok: false; reason: string } {
  const notes: string[] = [];
  const update = shape.updateConfig;
  const order = update?.order ?? null;
  if (order !== null && order !== "start-first" && order !== "stop-first")
    return {
      ok: false,
      reason: `compose service '${service}': deploy.update_config.order is '${order}' (use start-first or stop-first)`,
    };
  const failureAction = update?.failureAction ?? null;
  if (failureAction !== null && !["rollback", "pause", "continue"].includes(failureAction))
    return {
      ok: false,
      reason: `compose service '${service}': deploy.update_config.failure_action is '${failureAction}' (use rollback, pause or continue)`,
    };
  let strategy: DeployStrategy;
  let source: StrategyPlan["source"];
  if (config.deploy?.strategy) {
    strategy = config.deploy.strategy;
    source = "orchestrator.yml";
    if (order && (order === "start-first") !== (strategy === "start-first"))
      notes.push(
        `orchestrator.yml's deploy.strategy ${strategy} wins over the compose file's update_config.order ${order}`,
      );
  } else if (order) {
    strategy = order === "start-first" ? "start-first" : "recreate";
    source = "compose update_config.order";
  } else {
    strategy = "recreate";
    source = "default";
  }
  notes.push(`strategy ${strategy} (${source})`);
  if (failureAction === "continue" && strategy === "start-first")
    return {
      ok: false,
      reason: `compose service '${service}': deploy.update_config.failure_action 'continue' would keep a version that failed verification; start-first removes it (use rollback or pause)`,
    };
  if (failureAction === "pause")
    notes.push(
      "failure_action pause: with one new container, pausing after it failed is the same as removing it",
    );
  const monitorMs = update?.monitorMs ?? null;
  if (monitorMs !== null)
    notes.push(`update_config.monitor ${monitorMs} ms: the new container is watched at least this long`);
  const plan: StrategyPlan = {
    strategy,
    source,
    drainMs:
      config.deploy?.drain !== undefined
        ? durationMs(config.deploy.drain)
        : strategy === "start-first"
          ? DEFAULT_DRAIN_MS
          : 0,
    preStop: config.deploy?.pre_stop ?? null,
    stopGraceS: shape.stopGraceS,
    monitorMs,
    notes,
  };
  if (strategy !== "start-first") return { ok: true, plan };
  const refusal = startFirstRefusal(shape, service, config.deploy?.single_writer_volumes ?? []);
  return refusal ? { ok: false, reason: refusal } : { ok: true, plan };
}

/** Why two containers of this service cannot run side by side, or null. */
export function startFirstRefusal(
  shape: ServiceShape,
  service: string,
  singleWriter: string[],
): string | null {
  const why = (what: string) =>
    `start-first cannot deploy compose service '${service}': ${what}; ${PROXY_SECTION}, or use deploy.strategy: recreate`;
  if (shape.containerName)
    return why(`it sets container_name '${shape.containerName}', and two containers cannot share one name`);
  if (shape.fixedHostPorts.length > 0)
    return why(
      `it publishes fixed host port(s) ${shape.fixedHostPorts.join(", ")}, and two containers cannot bind one port (publish the port on a proxy in front instead)`,
    );
  const shared = shape.mounts.filter(
    (m) => singleWriter.includes(m.target) || (m.source !== null && singleWriter.includes(m.source)),
  );
  if (shared.length > 0)
    return why(
      `it mounts ${shared.map((m) => `${m.source ?? "(anonymous)"}:${m.target}`).join(", ")}, marked single-writer in deploy.single_writer_volumes, and the old and the new container would both write it`,
    );
  return null;
}
