/**
 * Real webhook payloads from `@octokit/webhooks-examples` (api.github.com), adapted to the test repository.
 *
 *   const payload = webhookExample("issue_comment", (p) => p.action === "created" && !p.issue.pull_request);
 *   adaptPayload(payload, { sender: { login: "alice" } });
 *   payload.comment.body = "/orchestrator fix api";
 */
import { createRequire } from "node:module";
import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";

const require = createRequire(import.meta.url);

/** The payload type Probot hands to handlers for event `E` (e.g. "issue_comment", not "issue_comment.created"). */
export type WebhookPayload<E extends EmitterWebhookEventName> = EmitterWebhookEvent<E>["payload"];

interface Definition {
  name: string;
  examples: unknown[];
}

let definitions: Definition[] | null = null;

export const TEST_OWNER = "acme";
export const TEST_REPO = "stack";
export const TEST_INSTALLATION_ID = 4242;
export const TEST_DEFAULT_BRANCH = "main";

/**
 * A deep copy of the first example of `event` accepted by `pick` (all examples when `pick` is omitted).
 * Throws, listing the available actions, when none matches.
 */
export function webhookExample<E extends Exclude<EmitterWebhookEventName, `${string}.${string}`>>(
  event: E,
  pick: (payload: WebhookPayload<E>) => boolean = () => true,
): WebhookPayload<E> {
  definitions ??= require("@octokit/webhooks-examples/api.github.com/index.json") as Definition[];
  const definition = definitions.find((d) => d.name === event);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no '${event}' examples`);
  const accept = pick as (payload: unknown) => boolean;
  const found = definition.examples.find((p) => accept(p)) as WebhookPayload<E> | undefined;
  if (!found) {
    const actions = definition.examples.map((p) => (p as { action?: string }).action ?? "(none)");
    throw new Error(`no '${event}' example matches the filter; examples have actions: ${actions.join(", ")}`);
  }
  return structuredClone(found);
}

export interface AdaptOptions {
  owner?: string;
  repo?: string;
  installationId?: number;
  defaultBranch?: string;
  /** Replaces the sender (and, for comments/reviews, the comment or review author). */
  sender?: { login: string; type?: "User" | "Bot" | "Organization"; id?: number };
}

/**
 * Points an example payload at the test repository and installation, and optionally at another sender.
 * Mutates and returns the payload.
 */
export function adaptPayload<P extends object>(payload: P, options: AdaptOptions = {}): P {
  const owner = options.owner ?? TEST_OWNER;
  const repo = options.repo ?? TEST_REPO;
  const p = payload as Record<string, unknown> & {
    repository?: Record<string, unknown> & { owner?: Record<string, unknown> };
  };
  if (p.repository) {
    p.repository.name = repo;
    p.repository.full_name = `${owner}/${repo}`;
    p.repository.default_branch = options.defaultBranch ?? TEST_DEFAULT_BRANCH;
    p.repository.html_url = `https://github.com/${owner}/${repo}`;
    p.repository.url = `https://api.github.com/repos/${owner}/${repo}`;
    if (p.repository.owner) p.repository.owner.login = owner;
  }
  p.installation = {
    id: options.installationId ?? TEST_INSTALLATION_ID,
    node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
  };
  if (options.sender) {
    const user = {
      ...((p.sender as object | undefined) ?? {}),
      login: options.sender.login,
      id: options.sender.id ?? 1000 + options.sender.login.length,
      type: options.sender.type ?? "User",
    };
    p.sender = user;
    for (const key of ["comment", "review"]) {
      const item = p[key] as { user?: unknown } | undefined;
      if (item && typeof item === "object") item.user = { ...(item.user as object), ...user };
    }
  }
  return payload;
}
