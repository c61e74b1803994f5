/**
 * `orchestrator fix` as a real process (bin/orchestrator.js, env and args only) when the registry it
 * is pointed at refuses connections: refused with exit 3 and a way out, and with --no-lookup an
 * unpinned requirement with a note, no request made.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildDist, ROOT } from "./build-dist.js";

const STACK = join(ROOT, "test/fixtures/repos/stack");
const YAML_LOG =
  "#8 [api 4/5] RUN python -m app.main\n#8 0.5 Traceback (most recent call last):\n#8 0.5 ModuleNotFoundError: No module named 'yaml'\n";
const NODE_LOG =
  "#9 [web 5/5] RUN node server.js\n#9 0.3 node:internal/modules/cjs/loader:1228\n#9 0.3 Error: Cannot find module 'lodash'\n#9 0.3 Require stack:\n#9 0.3 - /app/server.js\n";

let work = "";
let repo = "";
let home = "";

/** A port nothing listens on: bound, then closed, so a connection is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function fix(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin/orchestrator.js"), "fix", ...args], {
    cwd: work,
    // An empty home: no ~/.npmrc or pip.conf of the machine; PIP_CONFIG_FILE=/dev/null skips /etc's.
    env: { PATH: process.env.PATH!, HOME: home, PIP_CONFIG_FILE: "/dev/null", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

function log(text: string): string {
  const path = join(work, "build.log");
  writeFileSync(path, text);
  return path;
}

beforeAll(() => buildDist(), 180_000);
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "orchestrator-fix-offline-"));
  repo = join(work, "repo");
  home = join(work, "home");
  cpSync(STACK, repo, { recursive: true });
  cpSync(STACK, join(work, "pristine"), { recursive: true });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe("orchestrator fix with no reachable registry", () => {
  it("PIP_INDEX_URL refusing connections: exit 3, names the registry URL and suggests --no-lookup", async () => {
    const index = `http://127.0.0.1:${await closedPort()}/simple`;
    const result = fix(["--repo", repo, "--service", "api", "--log", log(YAML_LOG)], {
      PIP_INDEX_URL: index,
    });
    expect(result.code, result.out).toBe(3);
    expect(result.out).toContain(`could not check 'PyYAML' on PyPI`);
    // The JSON API is looked up beside the simple index.
    expect(result.out).toContain(`http://127.0.0.1:${index.split(":")[2]!.split("/")[0]}/pypi/PyYAML/json`);
    expect(result.out).toContain("pass --no-lookup");
    expect(readFileSync(join(repo, "services/api/requirements/prod.txt"), "utf8")).not.toContain("PyYAML");
  }, 90_000);

  it("--no-lookup adds an unpinned requirement to a pinned file, with a note, and --write writes it", async () => {
    const index = `http://127.0.0.1:${await closedPort()}/simple`;
    const args = ["--repo", repo, "--service", "api", "--log", log(YAML_LOG), "--no-lookup"];
    const printed = fix(args, { PIP_INDEX_URL: index });
    expect(printed.code, printed.out).toBe(0);
    expect(printed.out).toContain("Add PyYAML to services/api/requirements/prod.txt");
    expect(printed.out).toContain("not checked on PyPI and added without a version");
    expect(printed.out).toContain("registry: not asked (--no-lookup)");
    expect(printed.out).toContain("\n+PyYAML\n");
    expect(printed.out).not.toContain("PyYAML==");

    const written = fix([...args, "--write"], { PIP_INDEX_URL: index });
    expect(written.code, written.out).toBe(0);
    const after = readFileSync(join(repo, "services/api/requirements/prod.txt"), "utf8");
    const before = readFileSync(join(work, "pristine/services/api/requirements/prod.txt"), "utf8");
    // In the file's sorted order, without a version.
    expect(after).toBe(before.replace("uvicorn==", "PyYAML\nuvicorn=="));
  }, 90_000);

  it('npm_config_registry refusing connections: exit 3; --no-lookup adds the package as "*"', async () => {
    const registry = `http://127.0.0.1:${await closedPort()}`;
    const refused = fix(["--repo", repo, "--service", "web", "--log", log(NODE_LOG)], {
      npm_config_registry: registry,
    });
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain(`${registry}/lodash`);
    expect(refused.out).toContain("pass --no-lookup");

    const offline = fix(
      ["--repo", repo, "--service", "web", "--log", log(NODE_LOG), "--no-lookup", "--write"],
      {
        npm_config_registry: registry,
      },
    );
    expect(offline.code, offline.out).toBe(0);
    expect(offline.out).toContain("not checked on the npm registry and added without a version");
    const manifest = JSON.parse(readFileSync(join(repo, "web/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ express: "^4.19.2", lodash: "*", zod: "^3.23.8" });
  }, 90_000);

  it("an .npmrc in the repository names the registry that is asked", async () => {
    const registry = `http://127.0.0.1:${await closedPort()}`;
    writeFileSync(join(repo, ".npmrc"), `registry=${registry}/\n`);
    const refused = fix(["--repo", repo, "--service", "web", "--log", log(NODE_LOG)], {});
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain(`${registry}/lodash`);
  }, 90_000);
});
