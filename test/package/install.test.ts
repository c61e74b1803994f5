/**
 * The package as a user gets it: `npm pack`, installed globally into a temporary prefix from the
 * tarball (dependencies from the npm registry), and its two commands run from an unrelated folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist, ROOT } from "../cli/build-dist.js";

const work = mkdtempSync(join(tmpdir(), "orch-pack-"));
const prefix = join(work, "prefix");
const elsewhere = join(work, "somewhere-else");
let installLog = "";

function runBin(name: string, args: string[]) {
  const result = spawnSync(join(prefix, "bin", name), args, {
    cwd: elsewhere,
    encoding: "utf8",
    // No PATH entry for this checkout: the installed files are what runs.
    env: { ...process.env, PATH: `${join(prefix, "bin")}:/usr/bin:/bin` },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  await buildDist();
  mkdirSync(elsewhere, { recursive: true });
  // dist/ is already current; --ignore-scripts keeps pack from rebuilding it beside other test files.
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: ROOT });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  const install = spawnSync(
    "npm",
    ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", join(work, tarball)],
    { cwd: elsewhere, encoding: "utf8" },
  );
  installLog = `${install.stdout}${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm install -g of ${tarball} failed:\n${installLog}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed package, installed into a prefix", () => {
  it("is named compose-orchestrator and installs both commands", () => {
    expect(readdirSync(join(prefix, "lib", "node_modules"))).toContain("compose-orchestrator");
    expect(readdirSync(join(prefix, "bin")).sort()).toEqual(["orchestrator", "orchestrator-runner"]);
  });

  it("orchestrator --help and --version answer with exit 0 from another folder", () => {
    const help = runBin("orchestrator", ["--help"]);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain("usage: orchestrator <command>");
    expect(help.out).toContain("demo");
    const version = runBin("orchestrator", ["--version"]);
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^orchestrator \d+\.\d+\.\d+ \(compose-orchestrator\)/);
  });

  it("orchestrator diagnose --log F names the missing package", () => {
    const log = join(elsewhere, "build.log");
    copyFileSync(join(ROOT, "test/fixtures/logs/header-zlib.log"), log);
    const result = runBin("orchestrator", ["diagnose", "--log", "build.log"]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("missing header 'zlib.h'");
    expect(result.out).toContain("zlib1g-dev");
  });

  it("orchestrator-runner deploy --help exits 0 with the runner's usage", () => {
    const result = runBin("orchestrator-runner", ["deploy", "--help"]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("deploy <service>");
  });

  it("orchestrator demo --no-docker runs from the installed files (the bundled example is in the package)", () => {
    const result = runBin("orchestrator", ["demo", "--yes", "--no-docker", "--dir", join(work, "demo")]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain(
      join(prefix, "lib", "node_modules", "compose-orchestrator", "examples", "shop"),
    );
    expect(result.out).toContain("+RUN apk add --no-cache zlib-dev");
  });
});
