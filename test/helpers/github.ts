/**
 * The GitHub test harness: a real Probot instance against nock, with every GitHub request validated
 * against GitHub's OpenAPI description.
 *
 * Usage (one call per test file, at the top level or inside a describe):
 *
 *   const gh = useGitHubHarness();
 *   beforeEach(() => gh.load(myApp));            // fresh Probot per test
 *   it("...", async () => {
 *     gh.mintToken();                              // POST /app/installations/:id/access_tokens
 *     gh.github.get("/repos/acme/stack/...").reply(200, {...});
 *     await gh.receive("issue_comment", payload);
 *     expect(gh.bodies()).toContain("...");
 *   });
 *
 * What it guarantees, per test:
 * - `nock.disableNetConnect()`: nothing leaves the machine.
 * - Every request to https://api.github.com made through `gh.github` is checked by
 *   test/helpers/openapi.ts (operation exists for method + path, query names declared, JSON body valid
 *   against the requestBody schema). Violations, unmatched requests and pending mocks fail the test
 *   in `afterEach`, with a message naming the operation and the ajv error.
 * - `gh.requests` records every intercepted request (GitHub and other hosts made with `gh.scope(url)`),
 *   so tests can assert over all outbound bodies (e.g. that no secret leaked).
 * - `gh.logs` holds the captured pino records (Probot's and the app's), level "debug" and up.
 * - The test private key (RSA, generated once per file with node:crypto) is also exported as
 *   `process.env.PRIVATE_KEY` before the app loads, as in production, so the app's redactor knows it.
 * - Retry and throttling are off, so a mocked 5xx fails at once.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { EmitterWebhookEventName } from "@octokit/webhooks";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import { afterEach, beforeEach } from "vitest";
import { validateGitHubRequest } from "./openapi.js";
import { TEST_INSTALLATION_ID, type WebhookPayload } from "./webhook-examples.js";

export * from "./webhook-examples.js";

export const GITHUB_API = "https://api.github.com";
export const TEST_APP_ID = 123;
export const TEST_APP_SLUG = "orchestrator";

export interface CapturedRequest {
  method: string;
  /** Origin, e.g. https://api.github.com */
  origin: string;
  /** Path with query string, as sent. */
  path: string;
  /** Raw request body ("" when none). */
  body: string;
  /** `operationId (METHOD /template)` for GitHub requests that matched the OpenAPI description. */
  operation?: string;
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface GitHubHarness {
  /** The Probot instance of the current test (after `load`). */
  readonly probot: Probot;
  /** The validated nock scope for https://api.github.com. */
  readonly github: nock.Scope;
  /** Every intercepted request of the current test, in order. */
  readonly requests: CapturedRequest[];
  /** Captured log records of the current test. */
  readonly logs: LogRecord[];
  /** The app's private key (PEM). */
  readonly privateKey: string;
  /** Creates a fresh Probot (appId TEST_APP_ID) and loads `app` into it. */
  load(app: ApplicationFunction): Promise<Probot>;
  /** Mocks the installation token request once; returns the token (a `ghs_` shape). */
  mintToken(options?: { installationId?: number; token?: string; optional?: boolean }): string;
  /** A capturing (not OpenAPI-validated) nock scope for another host, e.g. a log blob store. */
  scope(origin: string): nock.Scope;
  /** Delivers a webhook through `probot.receive` (a fresh delivery id unless given). */
  receive<E extends Exclude<EmitterWebhookEventName, `${string}.${string}`>>(
    name: E,
    payload: WebhookPayload<E>,
    id?: string,
  ): Promise<void>;
  /** All captured request bodies joined by newlines (for "never leaks" assertions). */
  bodies(): string;
  /** Requests whose method and path match. */
  sent(method: string, pathPattern: RegExp | string): CapturedRequest[];
  /** Log messages (msg fields), for asserting why a handler returned early. */
  messages(): string[];
  /**
   * Returns and clears the problems recorded so far (OpenAPI violations, unmocked requests), for tests
   * that provoke one on purpose; whatever is left fails the test in afterEach.
   */
  takeProblems(): string[];
}

interface NoMatchInfo {
  method?: string;
  host?: string;
  path?: string;
  getHeader?: (name: string) => unknown;
}

let cachedKey: string | null = null;

/** A 2048-bit RSA key in PKCS#1 PEM, generated once per test file. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  }).privateKey;
  return cachedKey;
}

/** Registers beforeEach/afterEach hooks and returns the harness for the current test. */
export function useGitHubHarness(): GitHubHarness {
  let probot: Probot | null = null;
  let github: nock.Scope | null = null;
  let requests: CapturedRequest[] = [];
  let logs: LogRecord[] = [];
  let problems: string[] = [];
  // nock reports (options) for hosts without interceptors and (request, options, body) otherwise.
  const onNoMatch = (first: NoMatchInfo, second?: NoMatchInfo) => {
    const method = first.method ?? second?.method ?? "?";
    const host = second?.host ?? first.host ?? first.getHeader?.("host") ?? "";
    problems.push(`unmocked request: ${method} ${String(host)}${first.path ?? second?.path ?? "?"}`);
  };

  const capture = (scope: nock.Scope, origin: string, validate: boolean): nock.Scope => {
    scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
      const entry: CapturedRequest = { method: req.method, origin, path: req.path, body: body ?? "" };
      if (validate) {
        const result = validateGitHubRequest(req.method, req.path, body);
        if (result.operation) entry.operation = result.operation;
        for (const error of result.errors) problems.push(`OpenAPI: ${req.method} ${req.path}: ${error}`);
      }
      requests.push(entry);
    });
    return scope;
  };

  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
    requests = [];
    logs = [];
    problems = [];
    probot = null;
    github = capture(nock(GITHUB_API), GITHUB_API, true);
    nock.emitter.on("no match", onNoMatch);
  });

  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    const messages = [...problems, ...pending.map((m) => `pending mock not called: ${m}`)];
    if (messages.length > 0) throw new Error(`GitHub harness:\n- ${messages.join("\n- ")}`);
  });

  const need = <T>(value: T | null, what: string): T => {
    if (value === null)
      throw new Error(`GitHub harness: ${what} is not ready (call gh.load(app) in beforeEach)`);
    return value;
  };

  return {
    get probot() {
      return need(probot, "probot");
    },
    get github() {
      return need(github, "the GitHub scope");
    },
    get requests() {
      return requests;
    },
    get logs() {
      return logs;
    },
    get privateKey() {
      return testPrivateKey();
    },
    async load(app) {
      const privateKey = testPrivateKey();
      process.env.PRIVATE_KEY = privateKey;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString("utf8").split("\n")) {
            if (line.trim()) logs.push(JSON.parse(line) as LogRecord);
          }
          done();
        },
      });
      const log = pino({ level: "debug" }, sink);
      probot = new Probot({
        appId: TEST_APP_ID,
        privateKey,
        secret: "test-webhook-secret",
        // Probot bundles its own pino major; the logger interface is the same.
        log: log as unknown as NonNullable<ConstructorParameters<typeof Probot>[0]>["log"],
        // A function, not an object: Probot re-creates clients per installation and event with options
        // that would override object defaults, re-enabling the throttle's 1-3 s write spacing.
        Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
          ...options,
          retry: { enabled: false },
          throttle: { ...(options.throttle as object | undefined), enabled: false },
        })),
      });
      await probot.load(app);
      return probot;
    },
    mintToken(options = {}) {
      const token = options.token ?? `ghs_${randomUUID().replace(/-/g, "")}TEST`;
      const interceptor = need(github, "the GitHub scope").post(
        `/app/installations/${options.installationId ?? TEST_INSTALLATION_ID}/access_tokens`,
      );
      (options.optional ? interceptor.optionally() : interceptor).reply(201, {
        token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { contents: "write", pull_requests: "write", issues: "write", checks: "write" },
        repository_selection: "all",
      });
      return token;
    },
    scope(origin) {
      return capture(nock(origin), origin, false);
    },
    async receive(name, payload, id) {
      const event = { id: id ?? randomUUID(), name, payload } as Parameters<Probot["receive"]>[0];
      await need(probot, "probot").receive(event);
    },
    bodies() {
      return requests.map((r) => r.body).join("\n");
    },
    sent(method, pathPattern) {
      return requests.filter(
        (r) =>
          r.method === method.toUpperCase() &&
          (typeof pathPattern === "string" ? r.path.split("?")[0] === pathPattern : pathPattern.test(r.path)),
      );
    },
    messages() {
      return logs.map((l) => l.msg);
    },
    takeProblems() {
      const taken = problems;
      problems = [];
      return taken;
    },
  };
}
