/**
 * Issue 6: the App JWTs of the app (`npm start`'s server) and of the runner (`start`, default client)
 * tolerate 60 s of clock skew: the fake GitHub over HTTP runs its clock a minute behind (and ahead) and
 * checks iat/exp against it, as GitHub does. Octokit's own JWT (iat 30 s back) is the control.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCommand } from "../../runner/cli/start-command.js";
import { startServer } from "../../src/server.js";
import { adaptPayload, TEST_APP_ID, testPrivateKey, webhookExample } from "../helpers/github.js";
import { createGitOrigin, type GitOrigin } from "../runner/git-origin.js";
import { CONFIG_YAML } from "../runner/github/fixtures.js";
import { freePort } from "../runner/stack.js";
import { deliverWebhook } from "./deliver.js";
import { serveFakeGitHub, type FakeGitHubServer } from "./fake-github-server.js";
import { openGitStore } from "./git-store.js";
import { waitFor } from "./wait.js";

const MINUTE = 60_000;
let server: FakeGitHubServer;
let repo: GitOrigin;

beforeEach(async () => {
  repo = createGitOrigin({ ".github/orchestrator.yml": CONFIG_YAML });
  server = await serveFakeGitHub(openGitStore(repo.origin), {
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
  });
  repo.git(repo.workspace, "config", `url.${repo.origin}.insteadOf`, `http://${server.host}/acme/stack.git`);
});

afterEach(async () => {
  await server.close();
});

const jwtRequests = () => server.requests.filter((r) => r.credential === "app-jwt");

describe("App JWT clock skew against a GitHub whose clock is off", () => {
  for (const offset of [-MINUTE, MINUTE]) {
    it(`the runner authenticates with GitHub's clock ${offset < 0 ? "60 s behind" : "60 s ahead"}`, async () => {
      server.setClockOffset(offset);
      const err: string[] = [];
      const code = await startCommand(
        ["--once"],
        { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(String(t)) } },
        {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          APP_ID: String(TEST_APP_ID),
          PRIVATE_KEY: testPrivateKey(),
          GHE_HOST: server.host,
          GHE_PROTOCOL: "http",
          RUNNER_REPO: "acme/stack",
          RUNNER_WORKSPACE: repo.workspace,
          RUNNER_STATE_DIR: mkdtempSync(join(tmpdir(), "runner-state-")),
          RUNNER_ENVIRONMENT: "production",
        },
      );
      expect(err.join("")).toBe("");
      expect(code).toBe(0);
      // Accepted at the first try: no 401 and no corrected retry.
      expect(jwtRequests().map((r) => r.status)).toEqual([200, 201]);
      expect(server.problems).toEqual([]);
    }, 30_000);
  }

  it("the app (npm start's server) mints its installation token with GitHub's clock 60 s behind", async () => {
    server.setClockOffset(-MINUTE);
    server.fake.grant("alice", "write");
    const issue = server.fake.openIssue();
    const port = await freePort();
    const app = await startServer({
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: "skew-secret",
      GHE_HOST: server.host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "error",
    });
    try {
      const payload = adaptPayload(
        webhookExample("issue_comment", (p) => p.action === "created" && !p.issue.pull_request),
        { sender: { login: "alice" } },
      );
      payload.issue.number = issue;
      payload.comment.body = "/orchestrator help";
      const delivery = await deliverWebhook(
        `http://127.0.0.1:${port}`,
        "skew-secret",
        "issue_comment",
        payload,
      );
      expect(delivery.status).toBe(200);
      const answer = await waitFor(() => server.fake.comments.find((c) => c.issue === issue), {
        what: () => `the help answer; problems: ${server.problems.join("; ")}`,
      });
      // The config was read from this GitHub (the token minted here, not at api.github.com).
      expect(answer.body).toContain("Configured services: `web`, `api`, `worker`.");
      expect(jwtRequests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        "POST /app/installations/4242/access_tokens 201",
      ]);
      expect(server.problems).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 30_000);

  it("control: Octokit's own JWT (issued 30 s back) is refused by the same GitHub", async () => {
    server.setClockOffset(-MINUTE);
    const octokit = new ProbotOctokit({
      baseUrl: server.apiUrl,
      auth: { appId: TEST_APP_ID, privateKey: testPrivateKey() },
      retry: { enabled: false },
      throttle: { enabled: false },
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/installation", { owner: "acme", repo: "stack" }),
    ).rejects.toMatchObject({ status: 401 });
    expect(jwtRequests().map((r) => r.status)).toEqual([401]);
    expect(server.problems).toEqual([
      expect.stringMatching(
        /^GET \/repos\/acme\/stack\/installation: 'Issued at' claim \('iat'\) must be an Integer/,
      ),
    ]);
  }, 30_000);
});
