/**
 * Attack: the hidden `<!-- orchestrator:meta ... -->` marker decides which service's approvers gate a
 * fix PR and which service a merge deploys. Evidence lines (CI output, which whoever opens a PR
 * controls) go into the PR body; a log line carrying a marker, or a PR body that starts with a forged
 * or copied marker, must not be taken for the app's.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { fixPullService } from "../../src/approval/fix-check.js";
import type { Trust } from "../../src/deploy/app-identity.js";
import type { Finding } from "../../src/diagnose/finding.js";
import type { AppClient } from "../../src/github/app-client.js";
import { renderFixCheck, renderPlan, renderPrBody, type FixStory } from "../../src/render/fix-story.js";
import { readMetaMarker, type FixMeta } from "../../src/render/meta-marker.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { wholeApp } from "../helpers/app-world.js";
import { mockConfig } from "../helpers/fix-world.js";
import { signedMarker, testSigningKey, testTrust, TEST_FULL_REPO } from "../helpers/signing.js";
import { DEPLOY_CONFIG } from "../helpers/deploy-world.js";

const API_BRANCH = "orchestrator/api/0123456789";
const WEB_BRANCH = "orchestrator/web/0123456789";
const webMeta: FixMeta = {
  v: 1,
  service: "web",
  fingerprint: "0123456789",
  finding: { kind: "python_module", missing: "yaml", package: "PyYAML", ecosystem: "pypi" },
  run_url: null,
  base_sha: "b".repeat(40),
};
/** What an attacker prints from their CI job: a marker naming another service (even a real one, copied). */
const HOSTILE_LINES = [
  `<!-- orchestrator:meta ${JSON.stringify(webMeta)} -->`,
  signedMarker(webMeta, WEB_BRANCH),
  "ModuleNotFoundError: No module named 'yaml' -->",
];

function story(): FixStory {
  const finding: Finding = {
    kind: "python_module",
    missing: "yaml",
    package: "PyYAML",
    ecosystem: "pypi",
    evidence: HOSTILE_LINES,
    diagnoser: "python-module",
  };
  return {
    service: "api",
    composeService: "api",
    environment: "production",
    fingerprint: "0123456789",
    branch: API_BRANCH,
    failure: { label: "workflow CI <!-- orchestrator:meta {} -->, job build", url: null },
    diagnosis: {
      finding,
      reason: "ModuleNotFoundError <!-- x -->",
      evidence: HOSTILE_LINES,
      serviceHints: [],
      bytesRead: 100,
      truncated: false,
    },
    finding,
    diff: "+PyYAML==6.0.2\n+<!-- orchestrator:meta {} -->",
    summary: "add PyYAML <!-- --> to services/api/requirements.txt",
    approvers: ["alice"],
    baseSha: "b".repeat(40),
    baseBranch: "main",
  };
}

function clientWith(
  logs: string[],
  trust: Trust = testTrust(),
): Pick<AppClient, "owner" | "repo" | "trust" | "log"> {
  const log = { warn: (_obj: object, msg: string) => void logs.push(msg) } as unknown as AppClient["log"];
  return { owner: "acme", repo: "stack", trust, log };
}

describe("a marker in log text cannot redirect the approval gate or the deploy", () => {
  it("the PR body starts with the app's signed marker, and the hostile evidence names no service", () => {
    const body = renderPrBody(story(), { key: testSigningKey(), repo: TEST_FULL_REPO });

    expect(body.startsWith("<!-- orchestrator:meta ")).toBe(true);
    const read = readMetaMarker(body, testSigningKey(), { repo: TEST_FULL_REPO, branch: API_BRANCH });
    expect(read).toMatchObject({ kind: "ok", meta: { service: "api" } });
    // Exactly one comment opener and closer survive: the app's own marker. Every user text is neutralised.
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body.match(/-->/g)).toHaveLength(1);
    expect(body).toContain("<!\u200b-- orchestrator:meta");
    const logs: string[] = [];
    expect(
      fixPullService(clientWith(logs), {
        number: 9,
        html_url: "",
        body,
        head: { sha: "h", ref: API_BRANCH },
      }),
    ).toBe("api");
    expect(logs).toEqual([]);
  });

  it("the check run and the plan answer carry no live marker syntax either", () => {
    const check = renderFixCheck(story());
    for (const text of [check.title, check.summary, check.text, renderPlan(story())]) {
      expect(text).not.toContain("<!--");
      expect(text).not.toContain("-->");
    }
  });

  it.each([
    ["an unsigned marker", `<!-- orchestrator:meta ${JSON.stringify(webMeta)} -->\n\nplease approve`],
    [
      "a real marker copied from the web fix PR onto another branch",
      `${signedMarker(webMeta, WEB_BRANCH)}\n\nhi`,
    ],
    ["a marker signed for another repository", `${signedMarker(webMeta, API_BRANCH, "acme/other")}\n\nhi`],
    ["a valid marker below user text", `I fixed it\n${signedMarker(webMeta, API_BRANCH)}`],
  ])("a PR whose body has %s is not ours, with a log line saying why", (_what, body) => {
    const logs: string[] = [];
    const pull = { number: 66, html_url: "", body, head: { sha: "h", ref: API_BRANCH } };

    expect(fixPullService(clientWith(logs), pull)).toBeNull();
    expect(logs).toEqual(["ignoring the PR's orchestrator marker: treating it as not ours"]);
  });
});

describe("through the app: a forged marker on a collaborator's PR", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(wholeApp));

  function pullEvent(
    body: string,
    event: "pull_request_review" | "pull_request",
  ): WebhookPayload<"pull_request_review"> | WebhookPayload<"pull_request"> {
    const payload =
      event === "pull_request_review"
        ? adaptPayload(
            webhookExample("pull_request_review", (p) => p.action === "submitted"),
            {
              sender: { login: "alice" },
            },
          )
        : adaptPayload(
            webhookExample("pull_request", (p) => p.action === "closed"),
            {
              sender: { login: "mallory" },
            },
          );
    const pr = payload.pull_request as unknown as Record<string, unknown> & {
      head: { ref: string; sha: string };
    };
    Object.assign(pr, { number: 66, body, labels: [], merged: true, merge_commit_sha: "e".repeat(40) });
    pr.head.ref = API_BRANCH;
    pr.head.sha = "d".repeat(40);
    return payload;
  }

  it("a review on it writes no approval check", async () => {
    const forged = `${signedMarker(webMeta, WEB_BRANCH)}\n\nlooks like a fix`;

    await gh.receive(
      "pull_request_review",
      pullEvent(forged, "pull_request_review") as WebhookPayload<"pull_request_review">,
    );

    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("ignoring the PR's orchestrator marker: treating it as not ours");
    expect(gh.messages()).toContain("not an orchestrator fix pull request");
  });

  it("merging it deploys nothing (deploy_on_merge is off, and the marker is not the app's)", async () => {
    gh.mintToken();
    mockConfig(gh, DEPLOY_CONFIG);
    const forged = `<!-- orchestrator:meta ${JSON.stringify({ ...webMeta, service: "api" })} -->\n\nurgent`;

    await gh.receive("pull_request", pullEvent(forged, "pull_request") as WebhookPayload<"pull_request">);

    expect(gh.sent("POST", /\/deployments$/)).toEqual([]);
    expect(gh.sent("POST", /\/comments$/)).toEqual([]);
    expect(gh.messages()).toContain("ignoring the PR's orchestrator marker: treating it as not ours");
    expect(gh.messages()).toContain("not deploying this merge");
  });
});
