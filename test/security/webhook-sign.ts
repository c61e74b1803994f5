import { createHmac, randomUUID } from "node:crypto";

/** The headers GitHub sends with a webhook, signed with `secret` (X-Hub-Signature-256). */
export function webhookHeaders(event: string, body: string, secret: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}
