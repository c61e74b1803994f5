import type { TextRedactor } from "./logger.js";

/** Endpoint options that are Octokit's own, not parameters or body: left as they are. */
const NOT_PARAMETERS = new Set(["method", "url", "baseUrl", "headers", "request", "mediaType"]);

/** The part of an Octokit this plugin uses. */
export interface HookedOctokit {
  hook: { before(name: "request", hook: (options: object) => void): void };
}

/**
 * An Octokit plugin that redacts every request's parameters and body before it is sent: comments, PR
 * bodies, check-run outputs, statuses, dispatch payloads, whatever the caller forgot to redact. The
 * authentication header is Octokit's own and is not touched.
 */
export function redactRequests(r: TextRedactor): (octokit: HookedOctokit) => void {
  return (octokit) => {
    octokit.hook.before("request", (options) => {
      const params = options as Record<string, unknown>;
      for (const key of Object.keys(params)) {
        if (!NOT_PARAMETERS.has(key)) params[key] = r.redactDeep(params[key]);
      }
    });
  };
}
