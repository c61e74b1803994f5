import { describe, expect, it } from "vitest";
import { redact } from "../../../src/redact/redactor.js";
import { useGitHubHarness, TEST_INSTALLATION_ID } from "../../helpers/github.js";
import { mockAuth, REPO_PATH, testClient } from "./fixtures.js";

const gh = useGitHubHarness();

describe("createInstallationClient", () => {
  it("looks up the installation with the App JWT, mints a repo-scoped token, registers it with the redactor", async () => {
    const token = mockAuth(gh, "plain-installation-token-0001");
    expect(redact(`x ${token} y`)).toBe(`x ${token} y`);
    gh.github.get(`${REPO_PATH}/deployments`).matchHeader("authorization", `token ${token}`).reply(200, []);
    const client = testClient();

    const octokit = await client.octokit();
    await octokit.request("GET /repos/{owner}/{repo}/deployments", { owner: "acme", repo: "stack" });

    expect(redact(`x ${token} y`)).toBe("x *** y");
    expect(await client.token()).toBe(token);
    const lookup = gh.sent("GET", `${REPO_PATH}/installation`)[0]!;
    expect(lookup.operation).toMatch(/^apps\/get-repo-installation/);
    expect(
      JSON.parse(gh.sent("POST", `/app/installations/${TEST_INSTALLATION_ID}/access_tokens`)[0]!.body),
    ).toEqual({ repositories: ["stack"] });
  });

  it("re-mints shortly before the token expires, without looking the installation up again", async () => {
    let now = Date.now();
    const first = mockAuth(gh, "plain-installation-token-0002");
    const second = gh.mintToken({ token: "plain-installation-token-0003" });
    const client = testClient(() => now);

    expect(await client.token()).toBe(first);
    now += 30 * 60_000;
    expect(await client.token()).toBe(first);
    now += 25 * 60_000; // 5 minutes left: under the margin
    expect(await client.token()).toBe(second);
    expect(gh.sent("GET", `${REPO_PATH}/installation`)).toHaveLength(1);
    expect(redact(second)).toBe("***");
  });

  it("concurrent callers share one mint", async () => {
    mockAuth(gh, "plain-installation-token-0004");
    const client = testClient();
    const tokens = await Promise.all([
      client.token(),
      client.token(),
      client.octokit().then(() => client.token()),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(gh.sent("POST", /access_tokens$/)).toHaveLength(1);
  });

  it("explains an App that is not installed on the repository", async () => {
    gh.github.get(`${REPO_PATH}/installation`).reply(404, { message: "Not Found" });
    await expect(testClient().octokit()).rejects.toThrow(
      "the GitHub App is not installed on acme/stack (GET /repos/acme/stack/installation: 404); install it there or fix RUNNER_REPO",
    );
  });

  it("explains a rejected JWT", async () => {
    gh.github
      .get(`${REPO_PATH}/installation`)
      .reply(401, { message: "A JSON web token could not be decoded" });
    await expect(testClient().octokit()).rejects.toThrow(
      /GitHub rejected the App's JWT \(401\): check APP_ID and that PRIVATE_KEY belongs to that App/,
    );
  });
});
