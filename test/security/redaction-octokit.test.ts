/**
 * Issue 7, item 9: a call site that forgets to redact cannot leak. Both Octokits (the app's, as
 * src/server.ts gives it to Probot, and the runner's installation client) redact every request body.
 */
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { MASK, createRedactor } from "../../src/redact/redactor.js";
import { encodedForms } from "../../src/redact/secret-forms.js";
import { appWiring } from "../../src/server.js";
import { createInstallationClient } from "../../runner/github/installation-client.js";
import {
  GITHUB_API,
  TEST_APP_ID,
  TEST_OWNER,
  TEST_REPO,
  testPrivateKey,
  useGitHubHarness,
  webhookExample,
  adaptPayload,
} from "../helpers/github.js";
import { mockAuth, REPO_PATH } from "../runner/github/fixtures.js";

const gh = useGitHubHarness();
const SECRET = "env-secret-the-handler-forgot-4b1c";

describe("a handler that posts a secret without redacting it", () => {
  it("the app's Octokit (Probot's installation client) sends it masked, in every form", async () => {
    const redactor = createRedactor().addFromEnv({ SERVICE_API_KEY: SECRET });
    const lines: string[] = [];
    const { log, Octokit } = appWiring(redactor, { destination: { write: (l) => lines.push(l) } });
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey(),
      secret: "test-webhook-secret",
      log: log as unknown as NonNullable<ConstructorParameters<typeof Probot>[0]>["log"],
      Octokit: Octokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    const token = gh.mintToken();
    const payload = adaptPayload(webhookExample("issue_comment", (p) => p.action === "created"));
    gh.github.post(`${REPO_PATH}/issues/${payload.issue.number}/comments`).reply(201, {});
    await probot.load((app) => {
      app.on("issue_comment.created", async (context) => {
        const body = `raw ${SECRET} url ${encodeURIComponent(SECRET)} b64 ${Buffer.from(SECRET).toString("base64")} token ${token}`;
        context.log.info({ body }, "about to post");
        await context.octokit.rest.issues.createComment(context.issue({ body }));
      });
    });
    await probot.receive({ id: "1", name: "issue_comment", payload } as Parameters<Probot["receive"]>[0]);

    const sent = gh.sent("POST", `${REPO_PATH}/issues/${payload.issue.number}/comments`);
    expect(sent).toHaveLength(1);
    const { body } = JSON.parse(sent[0]!.body) as { body: string };
    // Base64 padding after the mask carries no more than the last byte's low bits.
    expect(body).toMatch(/^raw \*\*\* url \*\*\* b64 \*\*\*[A-Za-z0-9+/]?=* token \*\*\*$/);
    for (const form of encodedForms(SECRET)) expect(body).not.toContain(form);
    const logged = lines.join("");
    expect(logged).toContain("about to post");
    for (const form of encodedForms(SECRET)) expect(logged).not.toContain(form);
  });

  it("the runner's installation client sends it masked, and registers the token it minted", async () => {
    const redactor = createRedactor().add(SECRET);
    const token = mockAuth(gh, "plain-installation-token-runner-01");
    gh.github.post(`${REPO_PATH}/dispatches`).reply(204);
    const client = createInstallationClient({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey(),
      owner: TEST_OWNER,
      repo: TEST_REPO,
      baseUrl: GITHUB_API,
      octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
      redactor,
    });
    const octokit = await client.octokit();
    await octokit.rest.repos.createDispatchEvent({
      owner: TEST_OWNER,
      repo: TEST_REPO,
      event_type: "orchestrator.runtime_failure",
      client_payload: { service: "web", log: `${SECRET}\n${token}` },
    });
    const sent = gh.sent("POST", `${REPO_PATH}/dispatches`);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      event_type: "orchestrator.runtime_failure",
      client_payload: { service: "web", log: `${MASK}\n${MASK}` },
    });
    expect(redactor.redact(token)).toBe(MASK);
  });
});
