import type { OrchestratorConfig } from "../config/schema.js";
import { composeServiceName } from "../config/parse.js";

/**
 * Which configured service a failure belongs to. Pure. Sources, strongest first: the command
 * argument, the job or check name, the log's own service hints (compose build output), paths under a
 * service folder in the evidence. When none decides, it says so instead of guessing.
 */
export type ServiceMatch =
  | { ok: true; service: string; via: "command" | "job name" | "log hints" | "paths" }
  | { ok: false; reason: string };

export interface MapInput {
  config: OrchestratorConfig;
  explicit?: string;
  jobName?: string;
  hints?: string[];
  evidence?: string[];
}

export function mapService(input: MapInput): ServiceMatch {
  const { config } = input;
  const names = Object.keys(config.services);
  if (input.explicit !== undefined) {
    return names.includes(input.explicit)
      ? { ok: true, service: input.explicit, via: "command" }
      : {
          ok: false,
          reason: `'${input.explicit}' is not a configured service (configured: ${names.join(", ")})`,
        };
  }
  const fromJob = input.jobName ? byName(config, input.jobName) : [];
  if (fromJob.length === 1) return { ok: true, service: fromJob[0]!, via: "job name" };

  // Hints come strongest first (the service whose build failed before ones merely built).
  const hinted = (input.hints ?? []).map((h) => byExactName(config, h)).find((m) => m.length === 1);
  if (hinted) return { ok: true, service: hinted[0]!, via: "log hints" };
  const fromHints = unique((input.hints ?? []).flatMap((h) => byExactName(config, h)));

  const fromPaths = unique(
    Object.entries(config.services)
      .filter(([, service]) => {
        // The path as written (a log names `./api/...` or `api/...` as the config does).
        const folder = `${service.path.replace(/\/+$/, "")}/`;
        return (input.evidence ?? []).some((line) => line.includes(folder));
      })
      .map(([name]) => name),
  );
  if (fromPaths.length === 1) return { ok: true, service: fromPaths[0]!, via: "paths" };

  const ambiguous = unique([...fromJob, ...fromHints, ...fromPaths]);
  return {
    ok: false,
    reason:
      ambiguous.length > 1
        ? `the failure points at several services (${ambiguous.join(", ")})`
        : `neither the job name, the log nor its paths name one of the configured services (${names.join(", ")})`,
  };
}

/** Services whose key or compose name appears as a whole word in a job/check name. */
function byName(config: OrchestratorConfig, jobName: string): string[] {
  const lower = jobName.toLowerCase();
  const hits = Object.entries(config.services).filter(([name, service]) =>
    [name, composeServiceName(name, service)].some((n) =>
      new RegExp(`(^|[^a-z0-9])${escape(n)}($|[^a-z0-9])`).test(lower),
    ),
  );
  // "build web-app" also contains "app": keep only the longest overlapping match.
  const names = hits.map(([name]) => name);
  return names.filter((n) => !names.some((other) => other !== n && other.includes(n)));
}

function byExactName(config: OrchestratorConfig, hint: string): string[] {
  const h = hint.toLowerCase();
  return Object.entries(config.services)
    .filter(
      ([name, service]) =>
        name === h || composeServiceName(name, service) === h || h.startsWith(`${service.path}/`),
    )
    .map(([name]) => name);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
