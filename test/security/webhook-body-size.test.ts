/**
 * Issue 7, item 5: Probot's webhook middleware buffers the whole body before it checks the signature,
 * so one unauthenticated 600 MB POST grew the app by more than 1 GB. Against the real server process:
 * a big POST with a bogus signature is refused with 413 and the process's memory stays bounded.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookExample } from "../helpers/webhook-examples.js";
import { appPrivateKey, memoryOf, startListeningServer, type ServerProcess } from "./server-process.js";
import { webhookHeaders } from "./webhook-sign.js";

const MB = 1024 * 1024;
const ATTACK_BYTES = 600 * MB;
/** What the attack may add to the server's resident memory (the body limit itself is 25 MB). */
const MAX_GROWTH = 100 * MB;
const SECRET = "body-size-webhook-secret-51d0";
const PATH = "/api/github/webhooks";

interface Flood {
  status: number | null;
  error: string | null;
  /** Bytes the client managed to hand to its socket before the answer (or the reset). */
  written: number;
}

/**
 * Streams up to `total` bytes of junk as a webhook body, until the server answers or drops the connection.
 * With `holdAt`, it stops writing after that many bytes and waits for the answer: a client still writing
 * when the server answers and closes may see EPIPE before it can read the answer.
 */
function flood(
  port: number,
  headers: Record<string, string>,
  total: number,
  holdAt = Number.POSITIVE_INFINITY,
): Promise<Flood> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: PATH, method: "POST", headers });
    let written = 0;
    let settled = false;
    const deadline = setTimeout(() => finish({ status: null, error: "no answer within 60 s" }), 60_000);
    const finish = (result: Omit<Flood, "written">) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve({ ...result, written });
    };
    req.on("response", (res) => {
      res.resume();
      finish({ status: res.statusCode ?? null, error: null });
    });
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ status: null, error: error.code ?? error.message }),
    );
    const chunk = Buffer.alloc(MB, "{");
    const pump = () => {
      while (!settled && written < total && written < holdAt) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!settled && written >= total) req.end();
    };
    pump();
  });
}

function bogusHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { ...webhookHeaders("ping", "{}", "not-the-secret"), ...extra };
}

describe("webhook body size against the real server", () => {
  let server: ServerProcess;
  let before: { rss: number; peak: number };

  beforeAll(async () => {
    server = await startListeningServer({
      APP_ID: "123",
      PRIVATE_KEY: appPrivateKey(),
      WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: "warn",
    });
    // Warm the webhook path (a genuine delivery) so what follows measures the attack only.
    const ping = JSON.stringify(webhookExample("ping"));
    const warm = await fetch(`http://127.0.0.1:${server.port}${PATH}`, {
      method: "POST",
      headers: webhookHeaders("ping", ping, SECRET),
      body: ping,
    });
    expect(warm.status).toBe(200);
    before = memoryOf(server.child.pid!);
  }, 40_000);

  afterAll(async () => {
    await server?.stop();
  });

  function expectBoundedMemory(): void {
    const after = memoryOf(server.child.pid!);
    const growth = Math.max(after.rss - before.rss, after.peak - before.peak);
    expect(growth, `RSS ${before.rss} -> ${after.rss}, peak ${before.peak} -> ${after.peak}`).toBeLessThan(
      MAX_GROWTH,
    );
  }

  it("refuses a declared 600 MB body with 413 before reading it", async () => {
    // Only the headers and the first megabyte are sent: the answer must come without the rest.
    const result = await flood(
      server.port,
      bogusHeaders({ "content-length": String(ATTACK_BYTES) }),
      ATTACK_BYTES,
      MB,
    );
    expect(result.error).toBeNull();
    expect(result.status).toBe(413);
    expect(result.written, "the server answered long before the body was sent").toBeLessThan(MAX_GROWTH);
    expectBoundedMemory();
  }, 90_000);

  it("stops reading a chunked body once it passes 25 MB", async () => {
    const result = await flood(server.port, bogusHeaders(), ATTACK_BYTES);
    // Either the 413 arrives first, or the server's close of the half-read connection does.
    if (result.status === null) expect(result.error).toMatch(/^(ECONNRESET|EPIPE)$/);
    else expect(result.status).toBe(413);
    expect(result.written, "the server stopped reading near the limit").toBeLessThan(MAX_GROWTH);
    expectBoundedMemory();
  }, 90_000);

  it("still takes a genuine webhook sent chunked, and stays up", async () => {
    const ping = JSON.stringify(webhookExample("ping"));
    const result = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: server.port,
          path: PATH,
          method: "POST",
          headers: webhookHeaders("ping", ping, SECRET),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on("error", reject);
      req.write(ping.slice(0, 10));
      req.end(ping.slice(10));
    });
    expect(result).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${server.port}/ping`)).text()).toBe("PONG");
  }, 30_000);
});
