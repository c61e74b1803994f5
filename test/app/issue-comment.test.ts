import { beforeEach, describe, expect, it } from "vitest";
import { fixBranch } from "../../contract/branches.js";
import { fixFingerprint } from "../../src/app/fingerprint.js";
import { parseMetaMarker } from "../../src/render/meta-marker.js";
import { testSigningKey, TEST_FULL_REPO } from "../helpers/signing.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, mockAnswer, testApp } from "../helpers/app-world.js";
import {
  API_FILES,
  BASE_SHA,
  configText,
  mockCommit,
  mockConfig,
  mockDefaultHead,
  mockEyes,
  mockFailedRunsFor,
  mockOpenPull,
  mockPermission,
  mockPullsForBranch,
  mockRunJobs,
  pullJson,
} from "../helpers/fix-world.js";
import { mockDeployments } from "../helpers/deploy-world.js";

const HEAD = "f".repeat(40);
const BRANCH = fixBranch("api", fixFingerprint("api", { kind: "python_module", package: "PyYAML" }));
const YAML_LOG = [
  "#12 [api 4/5] RUN python -c 'import app'",
  "#12 0.41 Traceback (most recent call last):",
  '#12 0.41   File "/srv/app.py", line 1, in <module>',
  "#12 0.41     import yaml",
  "#12 0.41 ModuleNotFoundError: No module named 'yaml'",
  "#12 ERROR: process did not complete successfully: exit code: 1",
  "",
].join("\n");

function comment(
  body: string,
  options: { login?: string; type?: "User" | "Bot"; onPr?: boolean } = {},
): WebhookPayload<"issue_comment"> {
  const payload = adaptPayload(
    webhookExample("issue_comment", (p) => p.action === "created"),
    { sender: { login: options.login ?? "alice", type: options.type ?? "User" } },
  );
  payload.comment.body = body;
  if (options.onPr) {
    (payload.issue as { pull_request?: object }).pull_request = { url: `https://api.github.com${R}/pulls/1` };
  }
  return payload;
}

/** Everything up to the diagnosis of a failed run on the PR head. */
function mockFailureOnPr(gh: ReturnType<typeof useGitHubHarness>, log = YAML_LOG): void {
  mockDefaultHead(gh);
  gh.github.get(`${R}/pulls/1`).reply(200, {
    number: 1,
    head: { sha: HEAD, ref: "feature" },
    html_url: "https://github.com/acme/stack/pull/1",
  });
  mockFailedRunsFor(gh, HEAD, 77);
  mockRunJobs(gh, 77, [
    { id: 501, name: "build api", conclusion: "failure", log },
    { id: 502, name: "lint", conclusion: "success" },
  ]);
}

describe("issue_comment commands", () => {
  const gh = useGitHubHarness();
  const versions = { latest: async () => "6.0.2" };
  beforeEach(() => gh.load(testApp({ versions })));

  it("fix on a PR: reads the failed job log (302 to the log store), opens one labelled PR with checks, answers once", async () => {
    const token = gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 42);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator fix api", { onPr: true }));

    expect(answer()).toBe(
      "@alice opened https://github.com/acme/stack/pull/42 to add `PyYAML` for `api`. It needs an approving review before it can deploy.",
    );
    const body = pr.prBody();
    expect(body).toContain(
      "[`workflow CI, job build api`](https://github.com/acme/stack/actions/runs/77/job/501)",
    );
    expect(body).toMatch(
      /<details>\n<summary>Evidence \(3 lines from the log\)<\/summary>[\s\S]*ModuleNotFoundError: No module named 'yaml'/,
    );
    expect(body).toContain("+PyYAML==6.0.2");
    expect(body).toContain("anyone with write access");
    // The signed marker opens the body, for this repository and the fix branch.
    expect(body.startsWith("<!-- orchestrator:meta ")).toBe(true);
    expect(parseMetaMarker(body, testSigningKey(), { repo: TEST_FULL_REPO, branch: BRANCH })).toMatchObject({
      service: "api",
      fingerprint: BRANCH.split("/")[2],
      finding: { package: "PyYAML", kind: "python_module" },
      run_url: "https://github.com/acme/stack/actions/runs/77/job/501",
      base_sha: BASE_SHA,
    });
    expect(pr.checks()).toEqual([
      expect.objectContaining({
        name: "orchestrator / fix",
        status: "completed",
        conclusion: "success",
        head_sha: "c".repeat(40),
      }),
      expect.objectContaining({ name: "orchestrator / approval", status: "in_progress" }),
    ]);
    const tree = JSON.parse(gh.sent("POST", `${R}/git/trees`)[0]!.body) as {
      base_tree: string;
      tree: { path: string }[];
    };
    // The new contents go inline in the tree: no blob request per file.
    expect(tree).toEqual({
      base_tree: "t".repeat(40),
      tree: [
        {
          path: "services/api/requirements.txt",
          mode: "100644",
          type: "blob",
          content: "flask==3.0.0\nPyYAML==6.0.2\n",
        },
      ],
    });
    expect(gh.sent("POST", `${R}/git/blobs`)).toEqual([]);
    expect(gh.sent("GET", /\/check-runs/)).toEqual([]);
    expect(gh.bodies()).not.toContain(token);
    expect(gh.requests.some((r) => r.origin.includes("pipelines.actions.example.test"))).toBe(true);
  });

  it("plan on an issue: diagnosis and diff as one comment, from the default branch head, no branch", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "admin");
    mockEyes(gh, 492700400);
    mockDefaultHead(gh);
    mockFailedRunsFor(gh, BASE_SHA, 78);
    mockRunJobs(gh, 78, [{ id: 601, name: "build api", conclusion: "failure", log: YAML_LOG }]);
    const answer = mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator plan api"));

    expect(answer()).toContain("**Plan for `api`** (dry run, nothing was pushed)");
    expect(answer()).toContain("+PyYAML==6.0.2");
    expect(answer()).toContain("Run `/orchestrator fix api` to open this as a pull request.");
    expect(gh.sent("POST", /\/git\//)).toEqual([]);
    expect(gh.sent("POST", `${R}/pulls`)).toEqual([]);
  });

  it("the same delivery twice yields one PR: the second points to it", async () => {
    const payload = comment("/orchestrator fix api", { onPr: true });
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    mockOpenPull(gh, BRANCH, 42);
    mockAnswer(gh, 1);
    await gh.receive("issue_comment", payload, "delivery-1");

    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, [pullJson(42, BRANCH)]);
    const second = mockAnswer(gh, 1);
    await gh.receive("issue_comment", payload, "delivery-1");

    expect(second()).toBe(
      "@alice this fix (`PyYAML` for `api`) is already open: https://github.com/acme/stack/pull/42",
    );
    expect(gh.sent("POST", `${R}/pulls`)).toHaveLength(1);
  });

  it("two commands at once yield one PR: the twin converges on the branch and the PR", async () => {
    gh.mintToken();
    gh.mintToken({ optional: true }); // racing deliveries may each mint a token before the cache has one
    for (let i = 0; i < 2; i++) {
      mockConfig(gh, configText());
      mockPermission(gh, "alice", "write");
      mockEyes(gh, 492700400);
    }
    mockFailureOnPr(gh);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH); // the winner
    mockCommit(gh, BRANCH, { ref: 422 }); // the twin: "Reference already exists"
    gh.github
      .get(`${R}/git/ref/heads%2F${encodeURIComponent(BRANCH)}`)
      .reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: "c".repeat(40) } });
    gh.github
      .get(`${R}/git/commits/${"c".repeat(40)}`)
      .reply(200, { sha: "c".repeat(40), tree: { sha: "d".repeat(40) } });
    mockOpenPull(gh, BRANCH, 42);
    gh.github.post(`${R}/pulls`).reply(422, {
      message: "Validation Failed",
      errors: [{ message: "A pull request already exists for acme:" + BRANCH }],
    });
    mockPullsForBranch(gh, BRANCH, [pullJson(42, BRANCH)]);
    const answers: string[] = [];
    gh.github
      .post(`${R}/issues/1/comments`, (b: { body: string }) => answers.push(b.body) > 0)
      .times(2)
      .reply(201, { id: 1, html_url: "https://github.com/acme/stack/issues/1#c" });

    const payload = comment("/orchestrator fix api", { onPr: true });
    await Promise.all([
      gh.receive("issue_comment", payload),
      gh.receive("issue_comment", structuredClone(payload)),
    ]);

    expect(answers.sort()).toEqual([
      "@alice opened https://github.com/acme/stack/pull/42 to add `PyYAML` for `api`. It needs an approving review before it can deploy.",
      "@alice this fix (`PyYAML` for `api`) is already open: https://github.com/acme/stack/pull/42",
    ]);
    expect(gh.sent("POST", `${R}/git/refs`)).toHaveLength(2);
    expect(gh.sent("PATCH", /git\/refs/)).toEqual([]);
  });

  it("a fix whose PR was closed unmerged is not proposed again; --force proposes it and moves the stale branch", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, [pullJson(40, BRANCH, "closed")]);
    const refused = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api", { onPr: true }));
    expect(refused()).toContain(
      "was proposed in https://github.com/acme/stack/pull/40 and closed without merging",
    );
    expect(refused()).toContain("`/orchestrator fix api --force`");
    expect(gh.sent("POST", /\/git\//)).toEqual([]);

    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh);
    mockPullsForBranch(gh, BRANCH, [pullJson(40, BRANCH, "closed")]);
    mockCommit(gh, BRANCH, { ref: 422 });
    gh.github
      .get(`${R}/git/ref/heads%2F${encodeURIComponent(BRANCH)}`)
      .reply(200, { object: { sha: "0".repeat(40) } });
    gh.github
      .get(`${R}/git/commits/${"0".repeat(40)}`)
      .reply(200, { sha: "0".repeat(40), tree: { sha: "9".repeat(40) } });
    gh.github
      .patch(`${R}/git/refs/heads%2F${encodeURIComponent(BRANCH)}`, { sha: "c".repeat(40), force: true })
      .reply(200, { object: { sha: "c".repeat(40) } });
    mockOpenPull(gh, BRANCH, 43);
    const forced = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api --force", { onPr: true }));
    expect(forced()).toContain("opened https://github.com/acme/stack/pull/43");
  });
});

describe("issue_comment safety", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(testApp({ versions: { latest: async () => "1.0" } })));

  it("answers an unauthorized commenter once, without eyes and without doing anything", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "mallory", "read");
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api", { login: "mallory" }));
    expect(answer()).toBe(
      "@mallory orchestrator commands need `write` permission on this repository; you have `read`.",
    );
    expect(gh.sent("POST", /reactions/)).toEqual([]);
    expect(gh.messages()).toContain("commenter lacks the permission for commands");
  });

  it.each([
    ["the app's own comment", "orchestrator[bot]", "Bot"],
    ["another bot", "dependabot[bot]", "Bot"],
    ["a Bot-typed account", "ci-helper", "Bot"],
  ] as const)("ignores %s without a single request", async (_what, login, type) => {
    await gh.receive("issue_comment", comment("/orchestrator fix api", { login, type }));
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("ignoring a comment by a bot (this app included)");
  });

  it("ignores edits: only created comments are commands", async () => {
    const payload = adaptPayload(
      webhookExample("issue_comment", (p) => p.action === "edited"),
      { sender: { login: "alice" } },
    );
    payload.comment.body = "/orchestrator fix api";
    await gh.receive("issue_comment", payload);
    expect(gh.requests).toEqual([]);
  });

  it("ignores comments that are not commands, and commands quoted in code blocks", async () => {
    await gh.receive("issue_comment", comment("thanks! I will run\n```\n/orchestrator fix api\n```"));
    expect(gh.requests).toEqual([]);
  });

  it.each([
    ["api; rm -rf /", "`api;` is not a valid service name"],
    ["../x", "`../x` is not a valid service name"],
    ["`whoami`", "`?whoami?` is not a valid service name"],
    ["$(id)", "`$(id)` is not a valid service name"],
  ])("refuses the injection attempt %j with a clear answer and no work", async (arg, expected) => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment(`/orchestrator fix ${arg}`));
    expect(answer()).toContain(expected);
    expect(answer()).toContain("Usage: `/orchestrator fix <service> [--force]`");
    expect(gh.requests.map((r) => r.path.split("?")[0])).toEqual([
      "/app/installations/4242/access_tokens",
      `${R}/contents/.github%2Forchestrator.yml`,
      `${R}/collaborators/alice/permission`,
      `${R}/issues/comments/492700400/reactions`,
      `${R}/issues/1/comments`,
    ]);
  });

  it("answers an unknown service with the configured ones, before any other work", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix payments"));
    expect(answer()).toBe("@alice `payments` is not a configured service. Configured: `api`, `web`.");
    expect(gh.sent("GET", /\/git\/|\/actions\//)).toEqual([]);
  });

  it("a policy refusal (the file is a symlink) is answered with the reason and no branch", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockDefaultHead(gh, {
      ...API_FILES,
      "services/api/requirements.txt": { content: "../../shared/req.txt", mode: "120000" },
    });
    mockFailedRunsFor(gh, BASE_SHA, 78);
    mockRunJobs(gh, 78, [{ id: 601, name: "build api", conclusion: "failure", log: YAML_LOG }]);
    mockPullsForBranch(gh, BRANCH, []);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api"));
    expect(answer()).toContain("@alice no fix for `api`: refused by policy");
    expect(answer()).toContain(
      "- services/api/requirements.txt: is a symlink (mode 120000); fixes never change symlinks",
    );
    expect(answer()).toContain("No branch was created.");
    expect(gh.sent("POST", /\/git\/|\/pulls/)).toEqual([]);
  });

  it("never lets planted secrets reach any outbound request or log line", async () => {
    const envSecret = "hunter2-database-password-value";
    process.env.DATABASE_PASSWORD = envSecret;
    await gh.load(testApp({ versions: { latest: async () => "6.0.2" } }));
    delete process.env.DATABASE_PASSWORD;
    const planted = {
      ghs: "ghs_" + "Z9y8X7w6V5u4T3s2R1q0".repeat(2),
      env: envSecret,
      envBase64: Buffer.from(`user:${envSecret}`).toString("base64"),
      pemLine: gh.privateKey.split("\n")[3]!,
    };
    const pemBlock =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";
    const log = [
      pemBlock,
      "#12 0.41 Traceback (most recent call last):",
      `#12 0.41   File "/srv/app.py", line 1, in <module>  # ${planted.ghs} ${planted.pemLine}`,
      `#12 0.41     import yaml  # DATABASE_PASSWORD=${planted.env} auth=${planted.envBase64}`,
      `#12 0.41 ModuleNotFoundError: No module named 'yaml' ${pemBlock.split("\n").join(" ")}`,
      "",
    ].join("\n");
    const token = gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockFailureOnPr(gh, log);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 42);
    mockAnswer(gh, 1);

    await gh.receive("issue_comment", comment("/orchestrator fix api", { onPr: true }));

    // The evidence did carry the lines (so the PR body had to redact them), masked:
    expect(pr.prBody()).toContain("import yaml  # DATABASE_PASSWORD=*** auth=");
    const outbound = gh.bodies() + JSON.stringify(gh.logs);
    for (const secret of [...Object.values(planted), token, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"]) {
      expect(outbound).not.toContain(secret);
    }
    expect(outbound).not.toContain(Buffer.from(envSecret).toString("base64").slice(0, 20));
  });

  it("says so when the log is over max_log_bytes and the cap hides the error", async () => {
    gh.mintToken();
    mockConfig(gh, `${configText()}\nmax_log_bytes: 2048\n`);
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockDefaultHead(gh);
    mockFailedRunsFor(gh, BASE_SHA, 78);
    const big = `${"npm notice building, still fine\n".repeat(2000)}ModuleNotFoundError: No module named 'yaml'\n`;
    mockRunJobs(gh, 78, [{ id: 601, name: "build api", conclusion: "failure", log: big }]);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api"));
    expect(answer()).toMatch(
      /nothing to fix for `api`:\n- `workflow CI, job build api: .*stopped reading at 2 KiB, the size cap/,
    );
  });

  it("an invalid config gets one answer naming the key path, and nothing else happens", async () => {
    gh.mintToken();
    mockConfig(gh, "services:\n  api:\n    path: /abs\n    colour: blue\n");
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator fix api"));
    expect(answer()).toContain("`.github/orchestrator.yml` is invalid");
    expect(answer()).toContain("- `services.api`: unknown key(s): colour");
    expect(answer()).toContain("- `services.api.path`: must be a relative path without '..'");
    expect(gh.requests).toHaveLength(5);
  });

  it("a missing config is answered with how to add one", async () => {
    gh.mintToken();
    mockConfig(gh, null);
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator help"));
    expect(answer()).toContain("has no `.github/orchestrator.yml` on its default branch");
    expect(answer()).toContain("```yaml\nservices:\n  api:\n    path: services/api");
  });

  it("`retry` on an issue is answered by the retry command: it needs a merged pull request", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator retry"));
    expect(answer()).toBe(
      "@alice `retry` redeploys the merge commit of a pull request, so it only works on one. Here, use `/orchestrator deploy <service> [ref]`.",
    );
  });

  it("`status web` is answered by the status command from the service's deployments", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    mockDeployments(gh, { service: "web", environment: "production", perPage: 5, deployments: [] });
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator status web"));
    expect(answer()).toBe(
      "@alice deploy status:\n\n**`web`** in `production`: no deployments by orchestrator yet.",
    );
  });

  it("answers help with the commands and the configured services", async () => {
    gh.mintToken();
    mockConfig(gh, configText());
    mockPermission(gh, "alice", "write");
    mockEyes(gh, 492700400);
    const answer = mockAnswer(gh, 1);
    await gh.receive("issue_comment", comment("/orchestrator"));
    expect(answer()).toContain("- `/orchestrator fix <service> [--force]`");
    expect(answer()).toContain("Configured services: `api`, `web`.");
  });
});
