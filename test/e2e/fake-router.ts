/**
 * A tiny router behind persisted nock interceptors: every request to a host goes through one reply
 * function per method, which finds the route and answers from the fake's state. Requests still pass
 * through the harness's scope, so each one is OpenAPI-validated and captured like any other mock.
 */
import type nock from "nock";

export interface FakeRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the route's captures. */
  path: string;
  /** Regex captures of the route, percent-decoded. */
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: FakeRequest) => FakeResponse;

export interface Router {
  on(method: string, pattern: RegExp, handler: Handler): void;
  /** Requests no route answered (they got a 501): a test asserts this stays empty. */
  readonly unhandled: string[];
  dispatch(method: string, uri: string, body: unknown, headers: FakeRequest["headers"]): FakeResponse;
}

/** `authorize` runs before every matched route; a response from it (e.g. a 401) answers instead. */
export function createRouter(authorize: (req: FakeRequest) => FakeResponse | null = () => null): Router {
  const routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];
  const unhandled: string[] = [];
  return {
    unhandled,
    on(method, pattern, handler) {
      routes.push({ method: method.toUpperCase(), pattern, handler });
    },
    dispatch(method, uri, body, headers) {
      const url = new URL(uri, "https://fake.invalid");
      for (const route of routes) {
        if (route.method !== method) continue;
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        const req: FakeRequest = {
          method,
          path: url.pathname,
          params: match.slice(1).map((p) => decodeURIComponent(p ?? "")),
          query: url.searchParams,
          body: parseBody(body),
          headers,
        };
        return authorize(req) ?? route.handler(req);
      }
      unhandled.push(`${method} ${url.pathname}${url.search}`);
      return { status: 501, body: { message: `the fake GitHub has no route for ${method} ${url.pathname}` } };
    },
  };
}

function parseBody(body: unknown): Record<string, unknown> {
  if (body && typeof body === "object") return body as Record<string, unknown>;
  if (typeof body === "string" && body.trim()) {
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return {};
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;

/** Serves every request to `scope` from `router`, for the rest of the test. */
export function installRouter(scope: nock.Scope, router: Router): void {
  scope.persist();
  for (const method of METHODS) {
    scope
      .intercept(/.*/, method)
      .optionally()
      .reply(function (this: { req: { headers: FakeRequest["headers"] } }, uri, body) {
        const response = router.dispatch(method, uri, body, this.req.headers);
        return [response.status, (response.body ?? "") as nock.Body, response.headers ?? {}];
      });
  }
}
