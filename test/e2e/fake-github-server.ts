/**
 * The fake GitHub (fake-github.ts) served over real HTTP on 127.0.0.1, for tests that run the app and
 * the runner as separate processes. The REST API sits under the GitHub Enterprise base path `/api/v3`,
 * so both reach it with `GHE_HOST=127.0.0.1:PORT GHE_PROTOCOL=http`; job logs redirect to `/_blobs`.
 *
 * Like the nock transport, every API request is validated against GitHub's OpenAPI description and
 * recorded; app JWTs are verified with the App's public key (RS256, iat/exp against the fake's clock)
 * and installation tokens must be ones the fake minted. Unmatched and invalid requests are problems.
 * Every 200 GET carries an ETag and a matching If-None-Match answers 304, as GitHub does.
 * Beside the shared routes it answers `GET /app/installations` (the app's readiness probe), and every
 * API answer carries GitHub's `x-ratelimit-*` headers (remaining: 5000 less the requests served).
 */
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TEST_APP_ID, TEST_APP_SLUG } from "../helpers/github.js";
import { validateGitHubRequest } from "../helpers/openapi.js";
import { TEST_INSTALLATION_ID, TEST_OWNER } from "../helpers/webhook-examples.js";
import { buildFakeGitHub, type FakeCore, type FakeGitHub } from "./fake-github.js";
import type { FakeResponse, Router } from "./fake-router.js";
import type { FakeState } from "./fake-state.js";
import type { GitStore } from "./git-store.js";

export const API_PREFIX = "/api/v3";
const BLOB_PREFIX = "/_blobs";
/** GitHub refuses App JWTs that live longer than this. */
const MAX_JWT_LIFETIME_S = 600;
/** Requests an hour, as GitHub allows an installation (the fake never refuses over it). */
const RATE_LIMIT = 5000;

export interface ServedRequest {
  method: string;
  /** API path with query, without the base path (e.g. /repos/acme/stack/deployments?per_page=50). */
  path: string;
  status: number;
  /** `operationId (METHOD /template)` when the OpenAPI description knows the route. */
  operation?: string;
  /** A REST API request (false: the blob store of the job logs). */
  api: boolean;
  /** What authenticated it. */
  credential: "app-jwt" | "installation-token" | "none";
  /** When the answer was sent (epoch ms). */
  at: number;
}

export interface FakeGitHubServer {
  readonly fake: FakeGitHub;
  readonly state: FakeState;
  /** `127.0.0.1:PORT`, the value of GHE_HOST. */
  readonly host: string;
  /** `http://127.0.0.1:PORT/api/v3`, the REST base URL. */
  readonly apiUrl: string;
  /** Every request served, in order (API and blobs). */
  readonly requests: ServedRequest[];
  /** OpenAPI violations, unrouted requests, bad credentials: a test asserts this stays empty. */
  readonly problems: string[];
  /** Moves the fake's clock against the machine's (negative: GitHub is behind). */
  setClockOffset(ms: number): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  appId: number;
  /** The App's private key (PEM); the fake verifies JWTs with its public half. */
  privateKey: string;
  defaultBranch?: string;
}

export async function serveFakeGitHub(
  store: GitStore,
  options: FakeServerOptions,
): Promise<FakeGitHubServer> {
  const publicKey = createPublicKey(options.privateKey);
  const serverProblems: string[] = [];
  const requests: ServedRequest[] = [];
  let apiServed = 0;
  // Built once the port is known (the job-log redirects point back here); no request arrives before.
  const built: { core?: FakeCore } = {};
  const fakeCore = (): FakeCore => built.core!;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      serverProblems.push(`${req.method} ${req.url}: the fake crashed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "fake GitHub error" }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = req.url ?? "/";
    const body = await readBody(req);
    let path: string;
    let router: Router;
    let operation: string | undefined;
    if (url.startsWith(`${API_PREFIX}/`) || url === API_PREFIX) {
      path = url.slice(API_PREFIX.length) || "/";
      router = fakeCore().router;
      const validation = validateGitHubRequest(method, path, body);
      operation = validation.operation;
      for (const error of validation.errors) serverProblems.push(`OpenAPI: ${method} ${path}: ${error}`);
    } else if (url.startsWith(`${BLOB_PREFIX}/`)) {
      path = url.slice(BLOB_PREFIX.length);
      router = fakeCore().logRouter;
    } else {
      serverProblems.push(`${method} ${url}: not under ${API_PREFIX} (a client without the GHE base URL?)`);
      send(res, { status: 404, body: { message: "Not Found" } }, fakeCore().state);
      return;
    }
    const response = withEtag(method, router.dispatch(method, path, body, req.headers), req.headers);
    const auth = String(req.headers.authorization ?? "");
    requests.push({
      method,
      path,
      api: router === fakeCore().router,
      status: response.status,
      ...(operation ? { operation } : {}),
      credential: /^bearer [\w-]+\.[\w-]+\.[\w-]+$/i.test(auth)
        ? "app-jwt"
        : auth
          ? "installation-token"
          : "none",
      at: Date.now(),
    });
    send(
      res,
      router === fakeCore().router ? withRateLimit(response, apiServed++) : response,
      fakeCore().state,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  const origin = `http://${host}`;
  const core = buildFakeGitHub(store, {
    ...(options.defaultBranch ? { defaultBranch: options.defaultBranch } : {}),
    blobOrigin: `${origin}${BLOB_PREFIX}`,
    verifyAppJwt: (jwt, state) => verifyAppJwt(jwt, publicKey, options.appId, state.nowMs()),
  });
  built.core = core;
  registerAppInstallations(core.router, origin);

  return {
    fake: core.fake,
    state: core.state,
    host,
    apiUrl: `${origin}${API_PREFIX}`,
    requests,
    get problems() {
      return [...serverProblems, ...core.fake.problems];
    },
    setClockOffset(ms) {
      core.state.clockOffsetMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `GET /app/installations` (App JWT): the App's one installation, in the OpenAPI `installation` shape.
 * Only the HTTP fake serves it: the app's `/ready` asks it, and only real processes serve `/ready`.
 */
function registerAppInstallations(router: Router, origin: string): void {
  const api = `${origin}${API_PREFIX}`;
  router.on("GET", /^\/app\/installations$/, () => ({
    status: 200,
    body: [
      {
        id: TEST_INSTALLATION_ID,
        account: {
          login: TEST_OWNER,
          id: 1_000_001,
          node_id: "MDEyOk9yZ2FuaXphdGlvbjEwMDAwMDE=",
          avatar_url: `${origin}/avatars/${TEST_OWNER}`,
          gravatar_id: "",
          url: `${api}/users/${TEST_OWNER}`,
          html_url: `${origin}/${TEST_OWNER}`,
          followers_url: `${api}/users/${TEST_OWNER}/followers`,
          following_url: `${api}/users/${TEST_OWNER}/following{/other_user}`,
          gists_url: `${api}/users/${TEST_OWNER}/gists{/gist_id}`,
          starred_url: `${api}/users/${TEST_OWNER}/starred{/owner}{/repo}`,
          subscriptions_url: `${api}/users/${TEST_OWNER}/subscriptions`,
          organizations_url: `${api}/users/${TEST_OWNER}/orgs`,
          repos_url: `${api}/users/${TEST_OWNER}/repos`,
          events_url: `${api}/users/${TEST_OWNER}/events{/privacy}`,
          received_events_url: `${api}/users/${TEST_OWNER}/received_events`,
          type: "Organization",
          site_admin: false,
        },
        repository_selection: "selected",
        access_tokens_url: `${api}/app/installations/${TEST_INSTALLATION_ID}/access_tokens`,
        repositories_url: `${api}/installation/repositories`,
        html_url: `${origin}/organizations/${TEST_OWNER}/settings/installations/${TEST_INSTALLATION_ID}`,
        app_id: TEST_APP_ID,
        app_slug: TEST_APP_SLUG,
        target_id: 1_000_001,
        target_type: "Organization",
        permissions: {
          contents: "write",
          pull_requests: "write",
          issues: "write",
          checks: "write",
          deployments: "write",
          actions: "read",
          metadata: "read",
        },
        events: ["workflow_run", "pull_request", "pull_request_review", "issue_comment", "deployment_status"],
        created_at: "2024-01-02T03:04:05Z",
        updated_at: "2024-01-02T03:04:05Z",
        single_file_name: null,
        suspended_by: null,
        suspended_at: null,
      },
    ],
  }));
}

/**
 * GitHub's checks of an App JWT: RS256 signed by the App's key, `iss` the App id, issued in the past,
 * not expired, at most ten minutes of life. Returns why it is refused, or null.
 */
export function verifyAppJwt(jwt: string, publicKey: KeyObject, appId: number, nowMs: number): string | null {
  const [head, payload, signature] = jwt.split(".") as [string, string, string];
  let header: { alg?: unknown };
  let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as typeof header;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return "a JWT whose header or payload is not JSON";
  }
  if (header.alg !== "RS256") return `a JWT signed with ${String(header.alg)}, not RS256`;
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${head}.${payload}`),
    publicKey,
    Buffer.from(signature, "base64url"),
  );
  if (!signed) return "a JWT not signed by the App's private key";
  if (String(claims.iss) !== String(appId)) return `a JWT for App ${String(claims.iss)}, not ${appId}`;
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.iat !== "number" || claims.iat > now)
    return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
  if (typeof claims.exp !== "number" || claims.exp <= now) return "a JWT that has expired";
  if (claims.exp > now + MAX_JWT_LIFETIME_S || claims.exp - claims.iat > MAX_JWT_LIFETIME_S)
    return "'Expiration time' claim ('exp') is too far in the future";
  return null;
}

/** GitHub's rate-limit headers on every API answer: 5000 an hour, one spent per request served. */
function withRateLimit(response: FakeResponse, spent: number): FakeResponse {
  const used = Math.min(RATE_LIMIT, spent + 1);
  return {
    ...response,
    headers: {
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-remaining": String(RATE_LIMIT - used),
      "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 3_600_000 + 1) * 3600),
      "x-ratelimit-resource": "core",
      ...response.headers,
    },
  };
}

/** A 200 GET gets an ETag of its body; a request that already holds it gets a 304 without one. */
function withEtag(method: string, response: FakeResponse, headers: IncomingMessage["headers"]): FakeResponse {
  if (method !== "GET" || response.status !== 200 || response.body === undefined) return response;
  const etag =
    response.headers?.etag ??
    `"${createHash("sha1")
      .update(typeof response.body === "string" ? response.body : JSON.stringify(response.body))
      .digest("hex")}"`;
  if (headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
  return { ...response, headers: { ...response.headers, etag } };
}

function send(res: ServerResponse, response: FakeResponse, state: FakeState): void {
  const headers: Record<string, string> = {
    date: new Date(state.nowMs()).toUTCString(),
    ...response.headers,
  };
  let payload = "";
  if (response.body !== undefined && response.status !== 304) {
    if (typeof response.body === "string") payload = response.body;
    else {
      payload = JSON.stringify(response.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
