import { beforeEach, describe, expect, it } from "vitest";
import { fixBranch } from "../../contract/branches.js";
import { fixFingerprint } from "../../src/app/fingerprint.js";
import { adaptPayload, useGitHubHarness, webhookExample, type WebhookPayload } from "../helpers/github.js";
import { BOT_USER, mockAppIdentity } from "../helpers/signing.js";
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

const HEAD = "9".repeat(40);
const BRANCH = fixBranch("api", fixFingerprint("api", { kind: "python_module", package: "PyYAML" }));
const LOG = "#5 [api 3/4] RUN python -c 'import app'\nModuleNotFoundError: No module named 'yaml'\n";

function failedRun(conclusion: "failure" | "success" = "failure"): WebhookPayload<"workflow_run"> {
  const payload = adaptPayload(webhookExample("workflow_run", (p) => p.action === "completed"));
  Object.assign(payload.workflow_run, {
    id: 31,
    name: "CI",
    conclusion,
    head_sha: HEAD,
    html_url: "https://github.com/acme/stack/actions/runs/31",
  });
  return payload;
}

function failedCheck(name: string, slug = "circleci-checks"): WebhookPayload<"check_run"> {
  const payload = adaptPayload(
    webhookExample("check_run", (p) => p.action === "completed" && p.check_run.conclusion === "failure"),
  );
  Object.assign(payload.check_run, { name, head_sha: HEAD, html_url: "https://circleci.example/job/1" });
  payload.check_run.app = { ...payload.check_run.app!, slug };
  payload.check_run.output = {
    ...payload.check_run.output,
    title: "Build failed",
    summary: "step docker build",
    text: LOG,
  };
  return payload;
}

describe("CI failures", () => {
  const gh = useGitHubHarness();
  beforeEach(() => gh.load(testApp({ versions: { latest: async () => "6.0.2" } })));

  it("workflow_run failure with auto_fix: streams each failed job's log and opens the fix PR", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    mockRunJobs(gh, 31, [
      { id: 7, name: "build (api)", conclusion: "failure", log: LOG },
      { id: 8, name: "unit", conclusion: "success" },
    ]);
    mockDefaultHead(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 50);
    await gh.receive("workflow_run", failedRun());
    expect(pr.prBody()).toContain(
      "[`workflow CI, job build (api)`](https://github.com/acme/stack/actions/runs/31/job/7)",
    );
    expect(gh.requests.filter((r) => r.origin.startsWith("https://pipelines"))).toHaveLength(1);
    expect(gh.messages()).toContain("automatic fix: opened");
  });

  it("workflow_run failure without auto_fix stays quiet and logs why", async () => {
    gh.mintToken();
    mockConfig(gh, configText(false));
    await gh.receive("workflow_run", failedRun());
    expect(gh.requests).toHaveLength(2);
    expect(gh.messages()).toContain("auto_fix is off: not fixing CI failures without a command");
  });

  it("a successful run does nothing at all", async () => {
    await gh.receive("workflow_run", failedRun("success"));
    expect(gh.requests).toEqual([]);
  });

  it("missing config: silent on CI failures", async () => {
    gh.mintToken();
    mockConfig(gh, null);
    await gh.receive("workflow_run", failedRun());
    expect(gh.sent("POST", /check-runs|comments/)).toEqual([]);
  });

  it("invalid config: one action_required check run naming the key, and nothing else", async () => {
    gh.mintToken();
    mockConfig(gh, "services:\n  api:\n    path: services/api\nauto_fix: yes please\n");
    gh.github
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ check_name: "orchestrator / config", filter: "latest" })
      .reply(200, { total_count: 0, check_runs: [] });
    let check: {
      name?: string;
      conclusion?: string;
      head_sha?: string;
      output?: { summary: string };
      details_url?: string;
    } = {};
    gh.github.post(`${R}/check-runs`, (b: typeof check) => Boolean((check = b))).reply(201, { id: 1 });
    await gh.receive("workflow_run", failedRun());
    expect(check).toMatchObject({
      name: "orchestrator / config",
      conclusion: "action_required",
      head_sha: HEAD,
    });
    expect(check.output?.summary).toMatch(/- `auto_fix`: Invalid input: expected boolean/);
    expect(check.details_url).toBe("https://github.com/acme/stack/blob/main/.github/orchestrator.yml");
    expect(gh.requests).toHaveLength(4);
  });

  it("cannot tell the service: a neutral check on the failing commit says so, no guess", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    mockRunJobs(gh, 31, [
      {
        id: 7,
        name: "integration",
        conclusion: "failure",
        log: "ModuleNotFoundError: No module named 'yaml'\n",
      },
    ]);
    mockDefaultHead(gh);
    gh.github
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ check_name: "orchestrator / fix", filter: "latest" })
      .reply(200, { total_count: 0, check_runs: [] });
    let check: { conclusion?: string; output?: { title: string; summary: string } } = {};
    gh.github.post(`${R}/check-runs`, (b: typeof check) => Boolean((check = b))).reply(201, { id: 1 });
    await gh.receive("workflow_run", failedRun());
    expect(check).toMatchObject({
      conclusion: "neutral",
      output: { title: "Could not tell which service failed" },
    });
    expect(check.output?.summary).toContain(
      "neither the job name, the log nor its paths name one of the configured services (api, web)",
    );
    expect(gh.sent("POST", /\/git\/|\/pulls/)).toEqual([]);
  });

  it("check_run failure from other CI: its output text is the log", async () => {
    gh.mintToken();
    mockConfig(gh, configText(true));
    // Check runs do not say where the commit came from: it must be the head of a branch here.
    gh.github
      .get(`${R}/commits/${HEAD}/branches-where-head`)
      .reply(200, [{ name: "feature", commit: { sha: HEAD, url: "" }, protected: false }]);
    mockDefaultHead(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 51);
    await gh.receive("check_run", failedCheck("docker build api"));
    expect(pr.prBody()).toContain("[`check docker build api`](https://circleci.example/job/1)");
  });

  it.each([
    ["orchestrator's own check", "orchestrator / fix", "circleci-checks"],
    ["a GitHub Actions job (handled via workflow_run)", "build api", "github-actions"],
  ])("ignores %s", async (_what, name, slug) => {
    await gh.receive("check_run", failedCheck(name, slug));
    expect(gh.requests).toEqual([]);
  });

  it("repository_dispatch orchestrator.runtime_failure: fixes the named service from the runner's log", async () => {
    const payload = adaptPayload(webhookExample("repository_dispatch")) as unknown as {
      action: string;
      client_payload: unknown;
    };
    payload.action = "orchestrator.runtime_failure";
    payload.client_payload = {
      service: "api",
      log: "Traceback (most recent call last):\nModuleNotFoundError: No module named 'yaml'\n",
    };
    // The runner sends it with the installation token: the sender is the app's own bot.
    (payload as unknown as { sender: unknown }).sender = BOT_USER;
    mockAppIdentity(gh, { optional: false });
    gh.mintToken();
    mockConfig(gh, configText(true));
    mockDefaultHead(gh);
    mockPullsForBranch(gh, BRANCH, []);
    mockCommit(gh, BRANCH);
    const pr = mockOpenPull(gh, BRANCH, 52);
    await gh.receive("repository_dispatch", payload as never);
    expect(pr.prBody()).toContain("`runtime failure of api reported by the runner` failed for service `api`");
    expect(gh.sent("GET", "/app")).toHaveLength(1);
  });

  it("repository_dispatch with a malformed payload or another action is ignored with a reason", async () => {
    const payload = adaptPayload(webhookExample("repository_dispatch")) as unknown as {
      action: string;
      client_payload: unknown;
    };
    payload.action = "orchestrator.runtime_failure";
    payload.client_payload = { service: "api; rm -rf /", log: "x" };
    await gh.receive("repository_dispatch", payload as never);
    payload.action = "on-demand-test";
    await gh.receive("repository_dispatch", payload as never);
    expect(gh.requests).toEqual([]);
    expect(gh.messages()).toContain("runtime failure payload is invalid: ignoring it");
    expect(gh.messages()).toContain("not an orchestrator dispatch");
  });
});
