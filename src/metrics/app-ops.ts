/**
 * The app's operational routes beside Probot's: `/health` (the process answers), `/ready` (it can
 * sign an App JWT that GitHub accepts and mint an installation token; 503 with the reason otherwise,
 * the answer kept for a few seconds so probes do not spend rate limit) and `/metrics`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { redact } from "../redact/redactor.js";
import type { AppMetrics } from "./app-metrics.js";

export interface ReadyProbe {
  /** Resolves when GitHub accepts the App and a token could be minted; rejects with why not. */
  (): Promise<void>;
}

export interface OpsOptions {
  metrics: AppMetrics;
  ready: ReadyProbe;
  /** How long a /ready answer is reused (default 10 s). */
  cacheMs?: number;
  now?: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export function opsHandler(options: OpsOptions): Handler {
  const startedAt = new Date().toISOString();
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 10_000;
  let cached: { at: number; ok: boolean; reason: string | null } | null = null;
  let pending: Promise<{ ok: boolean; reason: string | null }> | null = null;

  async function ready(): Promise<{ ok: boolean; reason: string | null }> {
    if (cached && now() - cached.at < cacheMs) return cached;
    pending ??= options
      .ready()
      .then(
        () => ({ ok: true, reason: null }),
        (error: unknown) => ({
          ok: false,
          reason: redact(error instanceof Error ? error.message : String(error)),
        }),
      )
      .finally(() => {
        pending = null;
      });
    const result = await pending;
    cached = { at: now(), ...result };
    return result;
  }

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
    if (path === "/health") {
      send(res, 200, "application/json", JSON.stringify({ ok: true, startedAt }));
      return true;
    }
    if (path === "/ready") {
      const result = await ready();
      send(
        res,
        result.ok ? 200 : 503,
        "application/json",
        JSON.stringify({ ready: result.ok, reason: result.reason }),
      );
      return true;
    }
    if (path === "/metrics") {
      send(res, 200, options.metrics.registry.contentType, await options.metrics.registry.metrics());
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type }).end(body.endsWith("\n") ? body : `${body}\n`);
}

interface AuthProbot {
  auth(installationId?: number): Promise<unknown>;
}

/** The app's readiness: `GET /app/installations` with the App JWT, then a token for the first installation. */
export function probotReadyProbe(probot: AuthProbot): ReadyProbe {
  return async () => {
    const app = (await probot.auth()) as {
      request(route: string, params?: Record<string, unknown>): Promise<{ data: Array<{ id: number }> }>;
    };
    let installations: Array<{ id: number }>;
    try {
      installations = (await app.request("GET /app/installations", { per_page: 1 })).data;
    } catch (error) {
      throw new Error(
        `GitHub did not accept the App's JWT: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const first = installations[0];
    if (!first) throw new Error("the App has no installation: install it on a repository");
    const installation = (await probot.auth(first.id)) as {
      auth(options: { type: string }): Promise<unknown>;
    };
    try {
      await installation.auth({ type: "installation" });
    } catch (error) {
      throw new Error(
        `cannot mint an installation token: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
