/**
 * Verification summaries produced by the real verifier (verifyService + summarizeVerify) against a
 * scripted DockerOps, so the runtime-failure tests read exactly what a deploy would journal.
 */
import type { DockerOps } from "../../../runner/docker/docker-ops.js";
import type { ContainerState } from "../../../runner/docker/state.js";
import type { ProbeSummary } from "../../../runner/journal/events.js";
import { summarizeVerify } from "../../../runner/pipeline/steps.js";
import { verifyService } from "../../../runner/verify/verify-service.js";

export function container(over: Partial<ContainerState> = {}): ContainerState {
  return {
    id: "c1",
    name: "stack-web-1",
    imageId: `sha256:${"a".repeat(64)}`,
    imageName: "stack-web",
    status: "running",
    running: true,
    restarting: false,
    exitCode: 0,
    health: "none",
    healthOutput: "",
    restartCount: 0,
    restartPolicy: "always",
    startedAt: "",
    ...over,
  };
}

export interface Script {
  /** What each start-phase lookup returns, one per call (the last one repeats). */
  find: Array<ContainerState | null>;
  /** What each watch-window inspect returns, one per call (the last one repeats); default: the last `find`. */
  inspect?: Array<ContainerState | null>;
  /** The container's log tail, or the error Docker answers when asked for it. */
  logs?: string | Error;
  /** Health URL to probe (use an unreachable one for HTTP failures). */
  healthUrl?: string;
  timeoutMs?: number;
  watchMs?: number;
}

/** Runs the real verifier with tiny timings over the scripted container states. */
export async function verified(script: Script): Promise<ProbeSummary> {
  let f = 0;
  let i = 0;
  const inspect = script.inspect ?? [script.find.at(-1) ?? null];
  const docker: DockerOps = {
    endpoint: "fake",
    async ping() {},
    async findServiceContainer() {
      return script.find[Math.min(f++, script.find.length - 1)] ?? null;
    },
    async inspectContainer() {
      return inspect[Math.min(i++, inspect.length - 1)] ?? null;
    },
    async imageId() {
      return null;
    },
    async tagImage() {},
    async logsTail() {
      if (script.logs instanceof Error) throw script.logs;
      return script.logs ?? "";
    },
  };
  const result = await verifyService(docker, {
    project: "stack",
    service: "web",
    ...(script.healthUrl ? { healthUrl: script.healthUrl } : {}),
    // Room for a first HTTP probe on a loaded machine; the scripted states decide the outcome, not the clock.
    timeoutMs: script.timeoutMs ?? 1000,
    watchMs: script.watchMs ?? 60,
    watchIntervalMs: 10,
    backoff: { initialMs: 10, factor: 1.5, maxMs: 30 },
  });
  const summary = summarizeVerify(result);
  if (!summary) throw new Error("summarizeVerify returned null for a real verification");
  return summary;
}
