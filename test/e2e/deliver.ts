/**
 * Webhooks delivered the way GitHub delivers them: a JSON POST to the app's webhook path, signed with
 * X-Hub-Signature-256 (HMAC-SHA256 of the exact body with the webhook secret).
 */
import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  id: string;
  status: number;
  body: string;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export async function deliverWebhook(
  appUrl: string,
  secret: string,
  event: string,
  payload: unknown,
): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const id = randomUUID();
  const response = await fetch(`${appUrl}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/e2e",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-github-hook-id": "1",
      "x-hub-signature-256": signature(secret, body),
    },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  return { id, status: response.status, body: await response.text() };
}
