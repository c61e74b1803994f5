/**
 * Issue 7, item 4: without WEBHOOK_SECRET, Probot checks signatures with its public default secret
 * "development", so anyone could forge any event. The real server process must refuse to start.
 */
import { afterEach, describe, expect, it } from "vitest";
import { webhookExample } from "../helpers/webhook-examples.js";
import { appPrivateKey, spawnServer, startListeningServer, type ServerProcess } from "./server-process.js";
import { webhookHeaders } from "./webhook-sign.js";

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function exitOf(
  env: NodeJS.ProcessEnv,
  files: Record<string, string> = {},
): Promise<{ code: number | null; server: ServerProcess }> {
  const server = await spawnServer(env, files);
  started.push(server);
  const code = await Promise.race([
    server.exited,
    new Promise<"running">((done) => setTimeout(() => done("running"), 20_000)),
  ]);
  if (code === "running") throw new Error(`the server is still running; stdout: ${server.stdout()}`);
  return { code, server };
}

async function refused(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => false,
    () => true,
  );
}

const ping = JSON.stringify(webhookExample("ping"));

describe("npm start without a webhook secret", () => {
  it("refuses to start when APP_ID is set and WEBHOOK_SECRET is not, naming the variable", async () => {
    const { code, server } = await exitOf({ APP_ID: "123", PRIVATE_KEY: appPrivateKey() });
    expect(code).not.toBe(0);
    expect(server.stderr()).toContain("WEBHOOK_SECRET is not set");
    expect(server.stdout()).not.toContain("Listening on");
    expect(await refused(server.port), "nothing listens on the port").toBe(true);
  }, 30_000);

  it("refuses when APP_ID and the key come from .env and WEBHOOK_SECRET from nowhere", async () => {
    const dotenv = `APP_ID=123\nPRIVATE_KEY="${appPrivateKey().trim().replace(/\n/g, "\\n")}"\n`;
    const { code, server } = await exitOf({}, { ".env": dotenv });
    expect(code).not.toBe(0);
    expect(server.stderr()).toContain("WEBHOOK_SECRET is not set");
    expect(await refused(server.port)).toBe(true);
  }, 30_000);

  it.each([
    ["blank", "  "],
    ["Probot's public default", "development"],
  ])(
    "refuses a %s WEBHOOK_SECRET",
    async (_what, secret) => {
      const { code, server } = await exitOf({
        APP_ID: "123",
        PRIVATE_KEY: appPrivateKey(),
        WEBHOOK_SECRET: secret,
      });
      expect(code).not.toBe(0);
      expect(server.stderr()).toMatch(/WEBHOOK_SECRET is (not set|Probot's public default)/);
      expect(server.stderr(), "the message never echoes the key").not.toContain("PRIVATE KEY");
    },
    30_000,
  );

  it("with a secret: a webhook signed with the default secret is rejected, one signed with the secret is taken", async () => {
    const secret = "a-real-webhook-secret-9f3c2a";
    const server = await startListeningServer({
      APP_ID: "123",
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET: secret,
      LOG_LEVEL: "info",
    });
    started.push(server);
    const url = `http://127.0.0.1:${server.port}/api/github/webhooks`;
    const forged = await fetch(url, {
      method: "POST",
      headers: webhookHeaders("ping", ping, "development"),
      body: ping,
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/signature does not match/i);
    const genuine = await fetch(url, {
      method: "POST",
      headers: webhookHeaders("ping", ping, secret),
      body: ping,
    });
    expect(genuine.status).toBe(200);
    expect(server.stdout(), "the secret never reaches the log").not.toContain(secret);
  }, 40_000);

  it("keeps the setup page when APP_ID is not set", async () => {
    const server = await startListeningServer({ LOG_LEVEL: "info" });
    started.push(server);
    const page = await fetch(`http://127.0.0.1:${server.port}/probot`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Register GitHub App");
  }, 40_000);
});
