import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDefaultBranchConfig } from "../../../runner/workspace/default-branch-config.js";
import { CONFIG_YAML } from "../github/fixtures.js";
import { createGitOrigin } from "../git-origin.js";

const CONFIG = ".github/orchestrator.yml";
/** The same config with web moved to another environment: easy to tell apart. */
const STAGING = CONFIG_YAML.replace("environment: production", "environment: staging");

describe("readDefaultBranchConfig", () => {
  it("reads origin's default branch, not the checked-out branch or the working tree", async () => {
    const repo = createGitOrigin({ [CONFIG]: CONFIG_YAML });
    // The workspace sits on a branch whose config differs, plus an uncommitted edit on top.
    repo.git(repo.workspace, "checkout", "-q", "-b", "loosen");
    writeFileSync(join(repo.workspace, CONFIG), STAGING);
    repo.git(repo.workspace, "commit", "-q", "-am", "loosen", "--author", "t <t@example.com>");
    writeFileSync(join(repo.workspace, CONFIG), "services: {}\n");

    const read = await readDefaultBranchConfig(repo.workspace);

    expect(read.branch).toBe("main");
    expect(read.sha).toBe(repo.git(repo.origin, "rev-parse", "main"));
    expect(read.config.services.web?.environment).toBe("production");
    expect(read.fetchError).toBeUndefined();
  });

  it("sees a change merged upstream only after fetching it", async () => {
    const repo = createGitOrigin({ [CONFIG]: CONFIG_YAML });
    const merged = repo.pushMain({ [CONFIG]: STAGING });

    const stale = await readDefaultBranchConfig(repo.workspace);
    expect(stale.config.services.web?.environment).toBe("production");

    const fresh = await readDefaultBranchConfig(repo.workspace, { fetch: true });
    expect(fresh.sha).toBe(merged);
    expect(fresh.config.services.web?.environment).toBe("staging");
    // The checkout itself did not move.
    expect(repo.git(repo.workspace, "rev-parse", "HEAD")).not.toBe(merged);
  });

  it("falls back to the last fetched commit when the fetch fails, and says so", async () => {
    const repo = createGitOrigin({ [CONFIG]: CONFIG_YAML });
    repo.git(repo.workspace, "remote", "set-url", "origin", join(repo.origin, "..", "gone.git"));
    const read = await readDefaultBranchConfig(repo.workspace, { fetch: true });
    expect(read.config.services.web?.environment).toBe("production");
    expect(read.fetchError).toMatch(/gone\.git/);
  });

  it("names what is wrong when it cannot read the config", async () => {
    const plain = mkdtempSync(join(tmpdir(), "runner-notgit-"));
    await expect(readDefaultBranchConfig(plain)).rejects.toThrow(
      `workspace ${plain} is not a git checkout (clone the repository there)`,
    );
    await expect(readDefaultBranchConfig(join(plain, "nope"))).rejects.toThrow("does not exist");

    const repo = createGitOrigin({ [CONFIG]: CONFIG_YAML });
    repo.git(repo.workspace, "remote", "set-head", "origin", "-d");
    await expect(readDefaultBranchConfig(repo.workspace)).rejects.toThrow(
      "the workspace does not know origin's default branch (refs/remotes/origin/HEAD is not set); run `git remote set-head origin --auto` in it",
    );
    await expect(readDefaultBranchConfig(repo.workspace, { remote: "upstream" })).rejects.toThrow(
      `workspace ${repo.workspace} has no 'upstream' remote`,
    );

    const missing = createGitOrigin({ "README.md": "hi\n" });
    await expect(readDefaultBranchConfig(missing.workspace)).rejects.toThrow(
      /^no \.github\/orchestrator\.yml on origin\/main \(the default branch, at [0-9a-f]{12}\) of workspace /,
    );

    const invalid = createGitOrigin({ [CONFIG]: "services:\n  web:\n    path: 42\n" });
    await expect(readDefaultBranchConfig(invalid.workspace)).rejects.toThrow(
      /\.github\/orchestrator\.yml on origin\/main \([0-9a-f]{12}\) is invalid:\n.*services\.web/,
    );
  });
});
