/**
 * `orchestrator-runner start` with its default client (no injected createClient): Probot's Octokit with
 * retry, throttling and request logging, against the fake GitHub over real HTTP. The App JWT and the
 * installation token go over the wire and are verified by the fake, as GitHub would.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCommand } from "../../../runner/cli/start-command.js";
import { TEST_APP_ID, TEST_INSTALLATION_ID, testPrivateKey } from "../../helpers/github.js";
import { serveFakeGitHub, type FakeGitHubServer } from "../../e2e/fake-github-server.js";
import { openGitStore } from "../../e2e/git-store.js";
import { createGitOrigin, type GitOrigin } from "../git-origin.js";
import { CONFIG_YAML } from "../github/fixtures.js";

let server: FakeGitHubServer;
let repo: GitOrigin;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  repo = createGitOrigin({ ".github/orchestrator.yml": CONFIG_YAML });
  server = await serveFakeGitHub(openGitStore(repo.origin), {
    appId: TEST_APP_ID,
    privateKey: testPrivateKey(),
  });
  // The runner fetches from GHE_HOST's git URL; git rewrites it to the bare repository.
  repo.git(repo.workspace, "config", `url.${repo.origin}.insteadOf`, `http://${server.host}/acme/stack.git`);
  env = {
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
  };
});

afterEach(async () => {
  await server.close();
});

function sink() {
  const chunks: string[] = [];
  return { write: (text: string) => void chunks.push(String(text)), text: () => chunks.join("") };
}

describe("orchestrator-runner start with its default client", () => {
  for (const level of ["info", "debug"] as const) {
    it(`authenticates over HTTP and polls once (LOG_LEVEL=${level})`, async () => {
      const out = sink();
      const err = sink();
      const code = await startCommand(["--once"], { stdout: out, stderr: err }, { ...env, LOG_LEVEL: level });

      expect(err.text()).toBe("");
      expect(code).toBe(0);
      const lines = out
        .text()
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { msg: string; source?: string });
      expect(lines.map((l) => l.msg)).toContain("single pass done");

      const served = server.requests.map(
        (r) => `${r.method} ${r.path.split("?")[0]} ${r.status} ${r.credential}`,
      );
      expect(served).toEqual([
        "GET /repos/acme/stack/installation 200 app-jwt",
        `POST /app/installations/${TEST_INSTALLATION_ID}/access_tokens 201 app-jwt`,
        "GET /repos/acme/stack/deployments 200 installation-token",
      ]);
      expect(server.problems).toEqual([]);
      expect(server.fake.tokens).toHaveLength(1);
      expect(out.text()).not.toContain(server.fake.tokens[0]);
      if (level === "debug") {
        // Probot's request logging (the POST body is a null-prototype object) reaches the JSON log.
        const octokit = lines.filter((l) => l.source === "octokit").map((l) => l.msg);
        expect(octokit).toContain(
          `GitHub request: POST ${server.apiUrl}/app/installations/${TEST_INSTALLATION_ID}/access_tokens - 201`,
        );
      }
    }, 30_000);
  }

  it("exits 1 with the reason when GitHub refuses the App's JWT (wrong key)", async () => {
    const other = execFileSync("openssl", ["genrsa", "2048"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const err = sink();
    const code = await startCommand(
      ["--once"],
      { stdout: sink(), stderr: err },
      { ...env, PRIVATE_KEY: other },
    );
    expect(code).toBe(1);
    expect(err.text()).toMatch(
      /GitHub rejected the App's JWT \(401\): check APP_ID and that PRIVATE_KEY belongs/,
    );
    expect(server.problems).toEqual([
      expect.stringMatching(
        /^GET \/repos\/acme\/stack\/installation: a JWT not signed by the App's private key/,
      ),
    ]);
  }, 30_000);
});
