import { describe, expect, it, beforeEach } from "vitest";
import type { ApplicationFunction } from "probot";
import { findOperation, validateGitHubRequest } from "../helpers/openapi.js";
import { adaptPayload, useGitHubHarness, webhookExample, TEST_OWNER, TEST_REPO } from "../helpers/github.js";

describe("OpenAPI request validation", () => {
  it("finds the operation for a concrete path, preferring literal segments", () => {
    const op = findOperation("GET", "/repos/acme/stack/pulls/comments");
    expect(op).toMatchObject({ template: "/repos/{owner}/{repo}/pulls/comments" });
    const pr = findOperation("GET", "/repos/acme/stack/pulls/12");
    expect(pr).toMatchObject({ template: "/repos/{owner}/{repo}/pulls/{pull_number}" });
  });

  it("rejects an unknown path and an unknown method, naming them", () => {
    expect(validateGitHubRequest("GET", "/repos/acme/stack/nope/1", undefined).errors[0]).toMatch(
      /no GitHub REST operation matches the path \/repos\/acme\/stack\/nope\/1/,
    );
    expect(validateGitHubRequest("DELETE", "/repos/acme/stack/check-runs/1", undefined).errors[0]).toMatch(
      /no DELETE operation .* PATCH \/repos\/\{owner\}\/\{repo\}\/check-runs\/\{check_run_id\}/,
    );
  });

  it("rejects an invalid body with the operation id and the ajv error", () => {
    const result = validateGitHubRequest(
      "POST",
      "/repos/acme/stack/git/refs",
      JSON.stringify({ ref: "refs/heads/x" }),
    );
    expect(result.ok).toBe(false);
    expect(result.errors.join("\n")).toMatch(/git\/create-ref .*must have required property 'sha'/);
    const enumError = validateGitHubRequest(
      "POST",
      "/repos/acme/stack/check-runs",
      JSON.stringify({ name: "x", head_sha: "abc", conclusion: "great" }),
    );
    expect(enumError.errors.join("\n")).toMatch(
      /checks\/create \(POST \/repos\/\{owner\}\/\{repo\}\/check-runs\) body\/conclusion must be equal to one of the allowed values/,
    );
  });

  it("rejects undeclared query parameters and accepts declared ones", () => {
    expect(validateGitHubRequest("GET", "/repos/acme/stack/pulls?head=acme:x&state=all", undefined).ok).toBe(
      true,
    );
    expect(validateGitHubRequest("GET", "/repos/acme/stack/pulls?branch=x", undefined).errors[0]).toMatch(
      /query parameter 'branch' is not declared by pulls\/list/,
    );
  });

  it("accepts a valid body and resolves component refs", () => {
    const ok = validateGitHubRequest(
      "POST",
      "/repos/acme/stack/git/trees",
      JSON.stringify({
        base_tree: "abc",
        tree: [{ path: "a/Dockerfile", mode: "100644", type: "blob", sha: "def" }],
      }),
    );
    expect(ok).toEqual({
      ok: true,
      operation: "git/create-tree (POST /repos/{owner}/{repo}/git/trees)",
      errors: [],
    });
    const badMode = validateGitHubRequest(
      "POST",
      "/repos/acme/stack/git/trees",
      JSON.stringify({ tree: [{ path: "a", mode: "777", type: "blob", sha: "def" }] }),
    );
    expect(badMode.errors.join()).toMatch(/body\/tree\/0\/mode must be equal to one of the allowed values/);
  });
});

describe("useGitHubHarness", () => {
  const gh = useGitHubHarness();
  const app: ApplicationFunction = (probot) => {
    probot.on("issue_comment.created", async (context) => {
      context.log.info("commenting back");
      await context.octokit.rest.issues.createComment(
        context.issue({ body: `seen ${context.payload.comment.id}` }),
      );
    });
  };
  beforeEach(() => gh.load(app));

  it("delivers an adapted example payload and records validated requests", async () => {
    const token = gh.mintToken();
    const payload = adaptPayload(
      webhookExample("issue_comment", (p) => p.action === "created"),
      { sender: { login: "alice" } },
    );
    expect(payload.repository.full_name).toBe(`${TEST_OWNER}/${TEST_REPO}`);
    expect(payload.comment.user?.login).toBe("alice");
    gh.github
      .post(`/repos/${TEST_OWNER}/${TEST_REPO}/issues/${payload.issue.number}/comments`)
      .reply(201, { id: 1 });
    await gh.receive("issue_comment", payload);
    expect(token).toMatch(/^ghs_/);
    const comment = gh.sent("POST", /\/comments$/)[0];
    expect(comment?.operation).toBe(
      "issues/create-comment (POST /repos/{owner}/{repo}/issues/{issue_number}/comments)",
    );
    expect(JSON.parse(comment!.body)).toEqual({ body: `seen ${payload.comment.id}` });
    expect(gh.messages()).toContain("commenting back");
  });

  it("records an invalid body as a problem naming the operation", async () => {
    gh.mintToken();
    gh.github.post(/\/git\/refs$/).reply(201, {});
    const octokit = await gh.probot.auth(4242);
    // Deliberately invalid (no sha): the harness must catch it.
    await octokit.request("POST /repos/{owner}/{repo}/git/refs", {
      owner: "acme",
      repo: "stack",
      ref: "refs/heads/x",
    } as never);
    expect(gh.takeProblems()).toEqual([
      expect.stringMatching(
        /OpenAPI: POST \/repos\/acme\/stack\/git\/refs: git\/create-ref .*required property 'sha'/,
      ),
    ]);
  });

  it("records an unmocked request as a problem", async () => {
    gh.mintToken();
    const octokit = await gh.probot.auth(4242);
    await expect(octokit.request("GET /meta")).rejects.toThrow(
      /Nock: No match for request|Disallowed net connect/,
    );
    expect(gh.takeProblems().join()).toMatch(/unmocked request: GET api.github.com(:443)?\/meta/);
  });
});
