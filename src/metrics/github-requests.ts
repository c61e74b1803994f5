/**
 * Counts every GitHub API request an Octokit makes (method, status) and keeps the rate limit GitHub
 * says is left (`x-ratelimit-remaining`), as Prometheus metrics. Attach once per Octokit.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export interface GitHubRequestMetrics {
  record(method: string, status: number, headers: Record<string, unknown> | undefined): void;
}

export function githubRequestMetrics(registry: Registry): GitHubRequestMetrics {
  const requests = new Counter({
    name: "orchestrator_github_requests_total",
    help: "GitHub API requests by method and HTTP status (0: no answer).",
    labelNames: ["method", "status"],
    registers: [registry],
  });
  const remaining = new Gauge({
    name: "orchestrator_github_rate_limit_remaining",
    help: "Requests left in the current GitHub rate-limit window, as GitHub last reported it.",
    labelNames: ["resource"],
    registers: [registry],
  });
  return {
    record(method, status, headers) {
      requests.inc({ method: method.toUpperCase(), status: String(status) });
      const left = Number(headers?.["x-ratelimit-remaining"]);
      if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(left))
        remaining.set({ resource: String(headers["x-ratelimit-resource"] ?? "core") }, left);
    },
  };
}

interface HookableOctokit {
  hook: {
    after(
      name: "request",
      fn: (
        response: { status: number; headers: Record<string, unknown> },
        options: { method: string },
      ) => void,
    ): void;
    error(name: "request", fn: (error: unknown, options: { method: string }) => never | Promise<never>): void;
  };
}

const ATTACHED = new WeakSet<object>();

/** Hooks an Octokit's requests into the metrics (once per instance). */
export function attachGitHubMetrics(octokit: unknown, metrics: GitHubRequestMetrics): void {
  const hookable = octokit as HookableOctokit;
  if (!hookable?.hook || ATTACHED.has(hookable)) return;
  ATTACHED.add(hookable);
  hookable.hook.after("request", (response, options) =>
    metrics.record(options.method, response.status, response.headers),
  );
  hookable.hook.error("request", (error, options) => {
    const e = error as { status?: number; response?: { headers?: Record<string, unknown> } };
    metrics.record(options.method, e.status ?? 0, e.response?.headers);
    throw error;
  });
}
