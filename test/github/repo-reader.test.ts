import { Octokit } from "@octokit/rest";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createGitDataReader } from "../../src/github/repo-reader.js";
import type { AppClient } from "../../src/github/app-client.js";
import { useGitHubHarness } from "../helpers/github.js";
import { testTrust } from "../helpers/signing.js";
import { R } from "../helpers/app-world.js";

const ROOT = "1".repeat(40);
const SERVICES = "2".repeat(40);

function client(): AppClient {
  return {
    octokit: new Octokit({ request: { retries: 0 } }) as unknown as AppClient["octokit"],
    owner: "acme",
    repo: "stack",
    defaultBranch: "main",
    log: pino({ level: "silent" }) as unknown as AppClient["log"],
    trust: testTrust(),
  };
}

describe("createGitDataReader", () => {
  const gh = useGitHubHarness();

  it("lists every entry with its git mode; a full tree needs no walk along a path", async () => {
    gh.github
      .get(`${R}/git/trees/${ROOT}`)
      .query({ recursive: "1" })
      .reply(200, {
        sha: ROOT,
        truncated: false,
        tree: [
          { path: "services", mode: "040000", type: "tree", sha: SERVICES },
          { path: "services/api", mode: "120000", type: "blob", sha: "3".repeat(40) },
        ],
      });
    const reader = createGitDataReader(client(), ROOT);
    expect(await reader.listTree("")).toEqual([
      { path: "services", mode: "040000", type: "tree" },
      { path: "services/api", mode: "120000", type: "blob" },
    ]);
    expect(await reader.entriesAlong!("services/api/requirements.txt")).toEqual([]);
  });

  it("walks the folders along a path when GitHub truncated the tree, so a hidden symlink shows", async () => {
    gh.github
      .get(`${R}/git/trees/${ROOT}`)
      .query({ recursive: "1" })
      .reply(200, { sha: ROOT, truncated: true, tree: [] });
    gh.github.get(`${R}/git/trees/${ROOT}`).reply(200, {
      sha: ROOT,
      truncated: false,
      tree: [{ path: "services", mode: "040000", type: "tree", sha: SERVICES }],
    });
    gh.github.get(`${R}/git/trees/${SERVICES}`).reply(200, {
      sha: SERVICES,
      truncated: false,
      tree: [{ path: "api", mode: "120000", type: "blob", sha: "3".repeat(40) }],
    });
    const reader = createGitDataReader(client(), ROOT);
    expect(await reader.entriesAlong!("services/api/requirements.txt")).toEqual([
      { path: "services", mode: "040000", type: "tree" },
      { path: "services/api", mode: "120000", type: "blob" },
    ]);
  });
});
