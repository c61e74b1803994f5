/** Probot's default webhook secret: public, so a webhook signed with it proves nothing. */
const PROBOT_DEFAULT_SECRET = "development";

export class WebhookSecretError extends Error {
  override name = "WebhookSecretError";
}

/**
 * With APP_ID set the server receives real webhooks, and without WEBHOOK_SECRET Probot would check
 * their signatures with its public default secret: anyone could forge any event. Refuse to start.
 * (Without APP_ID, Probot's setup page runs; it receives no webhooks and stays as it is.)
 */
export function requireWebhookSecret(env: NodeJS.ProcessEnv): void {
  if (!env.APP_ID?.trim()) return;
  const secret = env.WEBHOOK_SECRET?.trim();
  if (!secret)
    throw new WebhookSecretError(
      "WEBHOOK_SECRET is not set: with APP_ID set, set WEBHOOK_SECRET to the GitHub App's webhook secret " +
        `(without it, Probot would accept webhooks signed with its public default secret "${PROBOT_DEFAULT_SECRET}")`,
    );
  if (secret === PROBOT_DEFAULT_SECRET)
    throw new WebhookSecretError(
      `WEBHOOK_SECRET is Probot's public default "${PROBOT_DEFAULT_SECRET}": set it to the GitHub App's own webhook secret`,
    );
}
