/**
 * Attack: a folder on the path of a file the fix writes is a symlink (or a submodule), so the write lands
 * wherever the link points, outside the service or the repository. Defence: the policy refuses any path
 * with a link at any prefix of the tree (the app's Git Data tree, the CLI's git index or lstat walk), and
 * the CLI checks every segment with lstat and the real path before it writes, opening with O_NOFOLLOW.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixCommand } from "../../src/cli/fix-command.js";
import { validateConfig } from "../../src/config/parse.js";
import { planFix } from "../../src/patch/plan-fix.js";
import type { FileChange, RepoReader, TreeEntry } from "../../src/patch/repo-files.js";
import { evaluatePolicy } from "../../src/policy/evaluate.js";
import { localRepoReader } from "../../src/repo/local-reader.js";
import { writeInsideRepo } from "../../src/repo/safe-write.js";
import { publishedRegistry } from "../helpers/registry.js";

const STACK = join(import.meta.dirname, "../fixtures/repos/stack");

function config(allow: string[] = []) {
  const result = validateConfig({ services: { api: { path: "services/api", allow } } });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}
const change = (path: string): FileChange => ({ path, mode: "100644", before: "a\n", after: "a\nb\n" });
const blob = (path: string, mode = "100644"): TreeEntry => ({ path, mode, type: "blob" });
const folder = (path: string): TreeEntry => ({ path, mode: "040000", type: "tree" });

describe("policy: a link at any prefix refuses the path", () => {
  const cfg = config(["**"]);
  const decide = (path: string, tree: TreeEntry[]) =>
    evaluatePolicy([change(path)], "api", cfg.services.api!, cfg, tree);

  it("a symlinked folder inside the service", () => {
    const tree = [folder("services"), folder("services/api"), blob("services/api/requirements", "120000")];
    expect(decide("services/api/requirements/prod.txt", tree)).toEqual({
      allowed: false,
      reasons: [
        "services/api/requirements/prod.txt: its folder services/api/requirements is a symlink (mode 120000); fixes never write through a link",
      ],
    });
  });

  it("the service folder itself, or a folder above it, being a symlink", () => {
    expect(decide("services/api/Dockerfile", [blob("services/api", "120000")]).allowed).toBe(false);
    expect(decide("services/api/Dockerfile", [blob("services", "120000")])).toMatchObject({
      reasons: [expect.stringContaining("its folder services is a symlink")],
    });
  });

  it("a submodule on the way (mode 160000, type commit)", () => {
    const tree: TreeEntry[] = [
      folder("services"),
      { path: "services/api/vendor", mode: "160000", type: "commit" },
    ];
    expect(decide("services/api/vendor/requirements.txt", tree)).toMatchObject({
      allowed: false,
      reasons: [expect.stringContaining("its folder services/api/vendor is a submodule (mode 160000)")],
    });
  });

  it("the tree's mode wins over the change's own claim", () => {
    expect(decide("services/api/Dockerfile", [blob("services/api/Dockerfile", "120000")])).toMatchObject({
      reasons: ["services/api/Dockerfile: is a symlink (mode 120000); fixes never change symlinks"],
    });
  });

  it("plain folders pass (control)", () => {
    const tree = [folder("services"), folder("services/api"), blob("services/api/Dockerfile")];
    expect(decide("services/api/Dockerfile", tree)).toEqual({ allowed: true });
  });
});

describe("planner over a GitHub-style tree with a symlinked folder", () => {
  it("refuses to create a requirements file under the link", async () => {
    const files: Record<string, string> = {
      "services/api/Dockerfile":
        "FROM python:3.12-slim\nCOPY requirements/ ./requirements/\nRUN pip install -r requirements/prod.txt\n",
    };
    const tree: TreeEntry[] = [
      folder("services"),
      folder("services/api"),
      blob("services/api/Dockerfile"),
      blob("services/api/requirements", "120000"),
    ];
    const repo: RepoReader = {
      readFile: async (path) => files[path] ?? null,
      listTree: async (dir) => (dir === "" ? tree : tree.filter((e) => e.path.startsWith(`${dir}/`))),
    };
    const cfg = config();
    const result = await planFix(
      {
        kind: "python_module",
        missing: "yaml",
        package: "PyYAML",
        ecosystem: "pypi",
        evidence: [],
        diagnoser: "python-module",
      },
      { serviceName: "api", service: cfg.services.api!, config: cfg, repo, registry: publishedRegistry() },
    );
    expect(result).toMatchObject({
      ok: false,
      refusals: [expect.stringContaining("its folder services/api/requirements is a symlink")],
    });
  });
});

describe("planner over a truncated GitHub tree", () => {
  it("asks the reader for the folders along the path and refuses the hidden link", async () => {
    const files: Record<string, string> = {
      "services/api/Dockerfile":
        "FROM python:3.12-slim\nCOPY requirements/ ./requirements/\nRUN pip install -r requirements/prod.txt\n",
    };
    // The truncated listing shows the Dockerfile but not the link next to it.
    const tree: TreeEntry[] = [folder("services"), folder("services/api"), blob("services/api/Dockerfile")];
    const asked: string[] = [];
    const repo: RepoReader = {
      readFile: async (path) => files[path] ?? null,
      listTree: async () => tree,
      entriesAlong: async (path) => {
        asked.push(path);
        return [folder("services"), folder("services/api"), blob("services/api/requirements", "120000")];
      },
    };
    const cfg = config();
    const result = await planFix(
      {
        kind: "python_module",
        missing: "yaml",
        package: "PyYAML",
        ecosystem: "pypi",
        evidence: [],
        diagnoser: "python-module",
      },
      { serviceName: "api", service: cfg.services.api!, config: cfg, repo, registry: publishedRegistry() },
    );
    expect(asked).toEqual(["services/api/requirements/prod.txt"]);
    expect(result).toMatchObject({
      ok: false,
      refusals: [expect.stringContaining("its folder services/api/requirements is a symlink")],
    });
  });
});

describe("orchestrator fix --write never writes outside the repository", () => {
  let work = "";
  let repo = "";
  let outside = "";
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "orchestrator-symlink-"));
    repo = join(work, "repo");
    outside = join(work, "outside");
    cpSync(STACK, repo, { recursive: true });
    mkdirSync(outside);
    // The service's requirements folder is a link to a folder outside the checkout.
    rmSync(join(repo, "services/api/requirements"), { recursive: true });
    symlinkSync(outside, join(repo, "services/api/requirements"));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });

  async function attack(): Promise<{ code: number; stdout: string }> {
    const out: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => out.push(t) },
    };
    const log = join(work, "build.log");
    writeFileSync(log, "ModuleNotFoundError: No module named 'yaml'\n");
    const code = await fixCommand(["--repo", repo, "--service", "api", "--log", log, "--write"], io, {
      settings: { env: {}, home: work, globalPipFiles: [] },
    });
    return { code, stdout: out.join("") };
  }

  it.each([
    ["a git checkout (modes from the index)", true],
    ["a plain folder (modes from lstat)", false],
  ])("%s: refused by policy, exit 3, nothing written through the link", async (_what, git) => {
    if (git) {
      execFileSync("git", ["init", "-q", repo]);
      execFileSync("git", ["-C", repo, "add", "-A"]);
    }
    const { code, stdout } = await attack();
    expect(code).toBe(3);
    expect(stdout).toContain("its folder services/api/requirements is a symlink");
    expect(existsSync(join(outside, "prod.txt"))).toBe(false);
  });

  it("the reader does not read a file through a symlinked folder", async () => {
    writeFileSync(join(outside, "secret.txt"), "outside the checkout\n");
    expect(await localRepoReader(repo).readFile("services/api/requirements/secret.txt")).toBeNull();
  });
});

describe("writeInsideRepo: the last check before the disk", () => {
  let root = "";
  let outside = "";
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "orchestrator-write-"));
    outside = mkdtempSync(join(tmpdir(), "orchestrator-outside-"));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("refuses a symlink at any segment, the file itself being a link, and '..'", async () => {
    symlinkSync(outside, join(root, "linked"));
    await expect(writeInsideRepo(root, "linked/new/x.txt", "x")).rejects.toThrow(
      "refusing to write 'linked/new/x.txt': linked is a symlink",
    );
    mkdirSync(join(root, "svc"));
    symlinkSync(join(outside, "target.txt"), join(root, "svc/requirements.txt"));
    await expect(writeInsideRepo(root, "svc/requirements.txt", "x")).rejects.toThrow(
      "svc/requirements.txt is a symlink",
    );
    await expect(writeInsideRepo(root, "svc/../../x.txt", "x")).rejects.toThrow("not a normalised path");
    expect(existsSync(join(outside, "target.txt"))).toBe(false);
    expect(existsSync(join(outside, "new"))).toBe(false);
  });

  it("writes a normal file, creating folders (control)", async () => {
    await writeInsideRepo(root, "svc/requirements/prod.txt", "PyYAML\n");
    expect(readFileSync(join(root, "svc/requirements/prod.txt"), "utf8")).toBe("PyYAML\n");
  });
});
