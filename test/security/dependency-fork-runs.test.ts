/**
 * Attack: a fork's pull request fails CI on purpose, with a log that names a package of the attacker's
 * choosing, and the bot opens the fix by itself. Defence: runs of a fork's code never open a fix
 * automatically (logged, nothing posted); a same-repository run opens one only for a package that passed
 * the registry check, and its PR body links the registry page with the first publish date.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { fixBranch } from "../../contract/branches.js";
import { fixFingerprint } from "../../src/app/fingerprint.js";
import { packageRegistry } from "../../src/patch/registry-lookup.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { R, testApp } from "../helpers/app-world.js";
import {
  configText,
  mockCommit,
  mockConfig,
  mockDefaultHead,
  mockOpenPull,
  mockPullsForBranch,
  mockRunJobs,
} from "../helpers/fix-world.js";
import { daysAgo, pypiDocument } from "../helpers/registry.js";

const HEAD = "9".repeat(40);
const NOW = new Date("2026-06-01T12:00:00Z");
const BRANCH = fixBranch("api", fixFingerprint("api", { kind: "python_module", package: "PyYAML" }));
const LOG = "#5 [api 3/4] RUN python -c 'import app'\nModuleNotFoundError: No module named 'yaml'\n";
const SKIP = "failure from a fork's pull request: not opening a fix automatically";

function failedRun(fork: boolean): WebhookPayload<"workflow_run"> {
  const payload = adaptPayload(webhookExample("workflow_run", (p) => p.action === "completed"));
  Object.assign(payload.workflow_run, {
    id: 31,
    name: "CI",
    conclusion: "failure",
    event: "pull_request",
    head_sha: HEAD,
    html_url: "https://github.com/acme/stack/actions/runs/31",
  });
  if (fork) {
    payload.workflow_run.head_repository = {
      ...payload.workflow_run.head_repository,
      id: 777,
      full_name: "mallory/stack",
      name: "stack",
    };
  }
  return payload;
}

function failedCheck(pullRequests: "none" | "fork"): WebhookPayload<"check_run"> {
  const payload = adaptPayload(
    webhookExample("check_run", (p) => p.action === "completed" && p.check_run.conclusion === "failure"),
  );
  Object.assign(payload.check_run, { name: "docker build api", head_sha: HEAD, html_url: null });
  payload.check_run.app = { ...payload.check_run.app!, slug: "circleci-checks" };
  payload.check_run.output = { ...payload.check_run.output, title: "Build failed", summary: "", text: LOG };
  const example = payload.check_run.pull_requests[0]!;
  payload.check_run.pull_requests =
    pullRequests === "fork"
      ? [{ ...example, head: { ...example.head, repo: { ...example.head.repo, id: 777 } } }]
      : [];
  return payload;
}

describe("fork pull requests never open a fix by themselves", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(testApp({ registry: packageRegistry(), clock: { now: () => NOW } })));

  it("workflow_run of a fork's code: logged skip, its log is not even downloaded, nothing posted", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    gh.github
      .get(`${R}/actions/runs/31/jobs`)
      .query({ filter: "latest", per_page: "100" })
      .reply(200, {
        total_count: 1,
        jobs: [{ id: 7, name: "build (api)", conclusion: "failure", status: "completed", html_url: null }],
      });
    await gh.receive("workflow_run", failedRun(true));
    expect(gh.sent("POST", /^\/repos\//)).toEqual([]);
    expect(gh.requests.filter((r) => !r.origin.includes("api.github.com"))).toEqual([]);
    const skip = gh.logs.find((l) => l.msg.startsWith(SKIP));
    expect(skip).toMatchObject({ from: "mallory/stack", headSha: HEAD });
  });

  it("check_run whose pull request comes from a fork: skipped without asking anything else", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    await gh.receive("check_run", failedCheck("fork"));
    expect(gh.sent("POST", /^\/repos\//)).toEqual([]);
    expect(gh.messages().some((m) => m.startsWith(SKIP))).toBe(true);
  });

  it("check_run whose commit is on no branch of the repository (a fork's): skipped", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    gh.github.get(`${R}/commits/${HEAD}/branches-where-head`).reply(200, []);
    await gh.receive("check_run", failedCheck("none"));
    expect(gh.sent("POST", /^\/repos\//)).toEqual([]);
    expect(gh.logs.find((l) => l.msg.startsWith(SKIP))).toMatchObject({
      from: "a commit on no branch of this repository",
    });
  });

  it("a same-repository run opens the fix, and the PR body links the registry page and the first publish date", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    mockRunJobs(gh, 31, [{ id: 7, name: "build (api)", conclusion: "failure", log: LOG }]);
    mockDefaultHead(gh);
    gh.scope("https://pypi.org")
      .get("/pypi/PyYAML/json")
      .reply(
        200,
        pypiDocument("PyYAML", [
          { version: "3.05", uploaded: new Date("2006-05-12T08:00:00Z") },
          { version: "6.0.2", uploaded: daysAgo(300, NOW.getTime()) },
        ]),
      );
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 50);
    await gh.receive("workflow_run", failedRun(false));
    expect(pr.prBody()).toContain(
      "- registry: `PyYAML` exists on [PyPI](https://pypi.org/project/PyYAML/), first published 2006-05-12 (7325 days ago; `policy.min_release_age` is `14d`)",
    );
    // One registry request served both the version pin and the age check.
    expect(gh.requests.filter((r) => r.origin.includes("pypi.org"))).toHaveLength(1);
  });

  it("a same-repository run naming a brand-new package opens nothing and logs why", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    const log =
      "#5 [api 3/4] RUN python -c 'import app'\nModuleNotFoundError: No module named 'yaml_tools'\n";
    mockRunJobs(gh, 31, [{ id: 7, name: "build (api)", conclusion: "failure", log }]);
    mockDefaultHead(gh);
    const branch = fixBranch("api", fixFingerprint("api", { kind: "python_module", package: "yaml_tools" }));
    mockPullsForBranch(gh, branch, []);
    gh.scope("https://pypi.org")
      .get("/pypi/yaml_tools/json")
      .reply(200, pypiDocument("yaml_tools", [{ version: "1.0.0", uploaded: daysAgo(1, NOW.getTime()) }]));
    await gh.receive("workflow_run", failedRun(false));
    expect(gh.sent("POST", /^\/repos\//)).toEqual([]);
    const refused = gh.logs.find((l) => l.msg === "no fix: the planner or the policy refused");
    expect(JSON.stringify(refused)).toContain("more recently than policy.min_release_age (14d)");
  });
});
