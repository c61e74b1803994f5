/**
 * Docker's own record of when a service's containers turned healthy, for the deploy benchmark: the
 * reference point for "how long after the container was healthy did the runner (or the plain script)
 * notice". Engine timestamps, same host clock as the benchmark.
 */
import Docker from "dockerode";
import { parseEventLines } from "../runner/docker/events.js";

export interface HealthRecorder {
  /** When `containerId` (or, without it, any container of the service) last turned healthy, ms since the epoch. */
  healthyAt(containerId?: string): number | null;
  close(): void;
}

export async function recordHealthy(project: string, service: string): Promise<HealthRecorder> {
  const stream = (await new Docker().getEvents({
    filters: {
      type: ["container"],
      event: ["health_status"],
      label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
    },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const healthy = new Map<string, number>();
  let last: number | null = null;
  let rest = "";
  stream.on("data", (chunk: Buffer) => {
    const parsed = parseEventLines(rest + chunk.toString());
    rest = parsed.rest;
    for (const event of parsed.events) {
      if (event.action !== "health_status: healthy") continue;
      healthy.set(event.containerId, event.at);
      last = event.at;
    }
  });
  stream.on("error", () => {});
  return {
    healthyAt: (id) => (id ? (healthy.get(id) ?? null) : last),
    close: () => stream.destroy(),
  };
}
