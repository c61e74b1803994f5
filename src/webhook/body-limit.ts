import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";

/** GitHub caps webhook payloads at 25 MB; anything bigger is not GitHub. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface BodyLimit {
  maxBytes: number;
  /** The webhook path (Probot's WEBHOOK_PATH, default /api/github/webhooks). */
  path: string;
}

type Middleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

/**
 * Puts the size limit in front of Probot's webhook middleware, which buffers the whole body before it
 * checks the signature: the server takes this probot's middleware from `getNodeMiddleware`.
 */
export function limitWebhookBodies(app: Probot, limit: BodyLimit): void {
  const original = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (options = {}) =>
    bodyLimited(await original(options), { ...limit, path: options.path ?? limit.path });
}

/**
 * A POST to the webhook path is refused with 413 when its Content-Length says it is over the limit
 * (nothing is read), or as soon as a chunked body passes the limit (reading stops there). A body within
 * the limit is handed on as `req.body`, which the webhook middleware takes instead of reading again.
 */
export function bodyLimited(inner: Middleware, limit: BodyLimit): Middleware {
  const path = trimSlashes(limit.path);
  return async (req: IncomingMessage, res: ServerResponse, next?: Parameters<Middleware>[2]) => {
    if (req.method !== "POST" || pathOf(req) !== path) return inner(req, res, next);
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > limit.maxBytes) return refuse(res, limit.maxBytes);
    let body: Buffer | null;
    try {
      body = await readAtMost(req, limit.maxBytes);
    } catch {
      // The client went away mid-body: nobody is left to answer.
      res.destroy();
      return true;
    }
    if (body === null) return refuse(res, limit.maxBytes);
    (req as IncomingMessage & { body?: string }).body = new TextDecoder().decode(body);
    return inner(req, res, next);
  };
}

function refuse(res: ServerResponse, maxBytes: number): true {
  res
    .writeHead(413, { "content-type": "application/json", connection: "close" })
    .end(JSON.stringify({ error: `Payload Too Large: webhook bodies are limited to ${maxBytes} bytes` }));
  return true;
}

/** The body, or null as soon as it passes `maxBytes` (the request is paused and left unread). */
function readAtMost(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        req.pause();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onAborted = () => onError(new Error("request aborted"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onAborted);
  });
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return trimSlashes(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    return null;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}
