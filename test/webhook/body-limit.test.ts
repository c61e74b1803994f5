import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { bodyLimited } from "../../src/webhook/body-limit.js";

const LIMIT = 1024;
const PATH = "/api/github/webhooks";

interface Seen {
  body: unknown;
}

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => (server ? server.close(done) : done(null)));
  server = null;
});

/** A server whose only handler is the limit in front of a stand-in webhook middleware. */
async function serve(): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const inner = async (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    seen.push({ body: (req as IncomingMessage & { body?: unknown }).body });
    res.writeHead(200).end("inner");
    return true;
  };
  const handler = bodyLimited(inner, { maxBytes: LIMIT, path: PATH });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no address");
  return { port: address.port, seen };
}

/** Sends `chunks` one after another (chunked unless `length` is given) and returns the status and body. */
function post(
  port: number,
  path: string,
  chunks: string[],
  length?: number,
): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: length === undefined ? {} : { "content-length": String(length) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on("error", reject);
    if (length !== undefined && length > Buffer.byteLength(chunks.join(""))) {
      // Declares more than it sends: the answer must come from the header alone.
      req.flushHeaders();
      return;
    }
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("bodyLimited", () => {
  it("hands a body within the limit on as req.body (chunked and with Content-Length)", async () => {
    const { port, seen } = await serve();
    expect((await post(port, PATH, ['{"a":', "1}"])).status).toBe(200);
    expect((await post(port, `${PATH}/`, ["é".repeat(10)], Buffer.byteLength("é".repeat(10)))).status).toBe(
      200,
    );
    expect(seen).toEqual([{ body: '{"a":1}' }, { body: "é".repeat(10) }]);
  });

  it("answers 413 from the Content-Length header alone, without waiting for the body", async () => {
    const { port, seen } = await serve();
    const answer = await post(port, PATH, ["x"], LIMIT + 1);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({
      error: `Payload Too Large: webhook bodies are limited to ${LIMIT} bytes`,
    });
    expect(seen).toEqual([]);
  });

  it("answers 413 once a chunked body passes the limit, and never calls the webhook middleware", async () => {
    const { port, seen } = await serve();
    const answer = await post(port, PATH, ["x".repeat(LIMIT), "y"]);
    expect(answer.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it("takes exactly the limit", async () => {
    const { port, seen } = await serve();
    expect((await post(port, PATH, ["x".repeat(LIMIT)])).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it("leaves other paths and methods to the middleware untouched", async () => {
    const { port, seen } = await serve();
    expect((await post(port, "/other", ["x".repeat(LIMIT * 2)])).status).toBe(200);
    expect(seen).toEqual([{ body: undefined }]);
  });
});
