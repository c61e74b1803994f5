/**
 * The fake GitHub over HTTP checks what GitHub checks and records what it cannot serve: OpenAPI
 * violations, unrouted paths, requests outside the Enterprise base path, unknown or expired tokens,
 * JWTs not signed by the App. Every 200 GET carries an ETag that a conditional request turns into 304.
 */
import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { skewTolerantJwt } from "../../src/github/app-jwt.js";
import { TEST_APP_ID, TEST_INSTALLATION_ID, testPrivateKey } from "../helpers/github.js";
import { createGitOrigin } from "../runner/git-origin.js";
import { serveFakeGitHub, type FakeGitHubServer } from "./fake-github-server.js";
import { openGitStore } from "./git-store.js";

let server: FakeGitHubServer;

beforeEach(async () => {
  const repo = createGitOrigin({ "README.md": "hello\n" });
  server = await serveFakeGitHub(openGitStore(repo.origin), {
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
  });
});

afterEach(async () => {
  await server.close();
});

async function jwt(key = testPrivateKey()): Promise<string> {
  return (await skewTolerantJwt(key)(TEST_APP_ID)).jwt;
}

async function call(method: string, path: string, auth: string, body?: unknown, headers = {}) {
  const response = await fetch(`${server.apiUrl}${path}`, {
    method,
    headers: { authorization: auth, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get("etag"), text };
}

async function mint(): Promise<string> {
  const minted = await call(
    "POST",
    `/app/installations/${TEST_INSTALLATION_ID}/access_tokens`,
    `bearer ${await jwt()}`,
    {
      repositories: ["stack"],
    },
  );
  expect(minted.status).toBe(201);
  return (JSON.parse(minted.text) as { token: string }).token;
}

describe("the fake GitHub over HTTP", () => {
  it("mints tokens for the App's JWT and serves the API with them, recording each request", async () => {
    const token = await mint();
    const branch = await call("GET", "/repos/acme/stack/branches/main", `token ${token}`);
    expect(branch.status).toBe(200);
    expect(server.requests.map((r) => [r.method, r.path, r.status, r.credential, r.operation])).toEqual([
      [
        "POST",
        `/app/installations/${TEST_INSTALLATION_ID}/access_tokens`,
        201,
        "app-jwt",
        "apps/create-installation-access-token (POST /app/installations/{installation_id}/access_tokens)",
      ],
      [
        "GET",
        "/repos/acme/stack/branches/main",
        200,
        "installation-token",
        "repos/get-branch (GET /repos/{owner}/{repo}/branches/{branch})",
      ],
    ]);
    expect(server.problems).toEqual([]);
  });

  it("answers a matching If-None-Match with 304 on any GET", async () => {
    const token = await mint();
    const first = await call("GET", "/repos/acme/stack/pulls?state=all", `token ${token}`);
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[0-9a-f]{40}"$/);
    const again = await call("GET", "/repos/acme/stack/pulls?state=all", `token ${token}`, undefined, {
      "if-none-match": first.etag,
    });
    expect(again).toMatchObject({ status: 304, text: "" });
  });

  it("records OpenAPI violations, unrouted paths and paths outside /api/v3", async () => {
    const token = await mint();
    await call("POST", "/repos/acme/stack/check-runs", `token ${token}`, { head_sha: "x" }); // no name
    await call("GET", "/repos/acme/stack/pulls?colour=blue", `token ${token}`);
    await call("GET", "/repos/acme/stack/releases", `token ${token}`);
    const outside = await fetch(`http://${server.host}/repos/acme/stack/pulls`);
    expect(outside.status).toBe(404);
    const problems = server.problems.join("\n");
    expect(problems).toMatch(
      /OpenAPI: POST \/repos\/acme\/stack\/check-runs: .*must have required property 'name'/,
    );
    expect(problems).toMatch(/query parameter 'colour' is not declared by pulls\/list/);
    expect(problems).toContain("GET /repos/acme/stack/releases");
    expect(problems).toContain("GET /repos/acme/stack/pulls: not under /api/v3");
  });

  it("refuses unknown and expired tokens, and JWTs of another key", async () => {
    const token = await mint();
    expect((await call("GET", "/repos/acme/stack/pulls", "token ghs_notMintedByTheFake")).status).toBe(401);
    server.setClockOffset(61 * 60_000); // tokens live an hour
    expect((await call("GET", "/repos/acme/stack/pulls", `token ${token}`)).status).toBe(401);
    server.setClockOffset(0);
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).privateKey;
    expect((await call("GET", "/repos/acme/stack/installation", `bearer ${await jwt(other)}`)).status).toBe(
      401,
    );
    expect(server.problems).toEqual([
      "GET /repos/acme/stack/pulls: no installation token (token ghs_no)",
      expect.stringMatching(/^GET \/repos\/acme\/stack\/pulls: expired installation token/),
      expect.stringMatching(
        /^GET \/repos\/acme\/stack\/installation: a JWT not signed by the App's private key/,
      ),
    ]);
  });

  it("lists the App's installation for its JWT, in the shape GitHub's OpenAPI gives the answer", async () => {
    const listed = await call("GET", "/app/installations?per_page=1", `bearer ${await jwt()}`);
    expect(listed.status).toBe(200);
    const body = JSON.parse(listed.text) as Array<{ id: number; app_id: number }>;
    expect(body.map((i) => [i.id, i.app_id])).toEqual([[TEST_INSTALLATION_ID, TEST_APP_ID]]);
    // The components' `installation` (the path's inlined copy merges the account's anyOf into allOf).
    const spec = createRequire(import.meta.url)("@octokit/openapi/generated/api.github.com.json") as {
      components: { schemas: Record<string, unknown> };
    };
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile({
      type: "array",
      items: { $ref: "#/components/schemas/installation" },
      components: jsonSchemaOf({
        schemas: {
          installation: spec.components.schemas.installation,
          "simple-user": spec.components.schemas["simple-user"],
          enterprise: spec.components.schemas.enterprise,
          "app-permissions": spec.components.schemas["app-permissions"],
          "nullable-simple-user": spec.components.schemas["nullable-simple-user"],
        },
      }),
    });
    expect(validate(body) ? [] : validate.errors).toEqual([]);
    expect(server.requests.at(-1)).toMatchObject({
      credential: "app-jwt",
      operation: "apps/list-installations (GET /app/installations)",
    });
    expect((await call("GET", "/app/installations", "token ghs_notAJwt")).status).toBe(401);
    expect(server.problems).toEqual(["GET /app/installations: no App JWT (token ghs_no)"]);
  });
});

/** OpenAPI 3.0's `nullable: true` as JSON Schema (`null` or the schema), everywhere in `node`. */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (!node || typeof node !== "object") return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, jsonSchemaOf(v)]));
  return nullable === true ? { anyOf: [{ type: "null" }, converted] } : converted;
}
