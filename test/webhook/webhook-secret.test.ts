import { describe, expect, it } from "vitest";
import { requireWebhookSecret, WebhookSecretError } from "../../src/webhook/webhook-secret.js";

describe("requireWebhookSecret", () => {
  it("lets the setup mode (no APP_ID) start without a secret", () => {
    expect(() => requireWebhookSecret({})).not.toThrow();
    expect(() => requireWebhookSecret({ APP_ID: " " })).not.toThrow();
  });

  it("accepts an App with its own secret", () => {
    expect(() => requireWebhookSecret({ APP_ID: "1", WEBHOOK_SECRET: "s3cret-of-the-app" })).not.toThrow();
  });

  it.each([
    [{ APP_ID: "1" }, /^WEBHOOK_SECRET is not set: with APP_ID set/],
    [{ APP_ID: "1", WEBHOOK_SECRET: "\t " }, /^WEBHOOK_SECRET is not set/],
    [
      { APP_ID: "1", WEBHOOK_SECRET: "development" },
      /^WEBHOOK_SECRET is Probot's public default "development"/,
    ],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => requireWebhookSecret(env)).toThrow(WebhookSecretError);
    expect(() => requireWebhookSecret(env)).toThrow(message);
  });
});
