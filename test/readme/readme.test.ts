/**
 * README.md cannot drift: its `sh runnable` blocks run (built bins on PATH, a new temporary folder, the
 * real Docker engine), its `sh checked` blocks name only subcommands and flags that exist, and its
 * environment table lists exactly the variables the code reads.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist, ROOT } from "../cli/build-dist.js";
import { describeDocker } from "../helpers/docker.js";
import { commandsOf, envReads, envTable, markedBlocks } from "./readme-blocks.js";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = markedBlocks(README);
/** The example's compose project name in the README, replaced by one of this run's own. */
const EXAMPLE_PROJECT = "shop-demo";
const project = `firsthourreadme${process.pid}`;

let bin = "";
const scratch: string[] = [];
function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `orchestrator-readme-${name}-`));
  scratch.push(dir);
  return dir;
}

beforeAll(async () => {
  await buildDist();
  bin = tempDir("bin");
  symlinkSync(join(ROOT, "bin/orchestrator.js"), join(bin, "orchestrator"));
  symlinkSync(join(ROOT, "bin/orchestrator-runner.js"), join(bin, "orchestrator-runner"));
}, 180_000);
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function help(program: string, sub: string | null): { code: number | null; out: string } {
  const args = sub ? [sub, "--help"] : ["--help"];
  const result = spawnSync(join(bin, program), args, { encoding: "utf8", env: { PATH: process.env.PATH } });
  return { code: result.status, out: result.stdout + result.stderr };
}

describe("README.md marked blocks", () => {
  it("marks runnable and checked blocks (the test below cannot pass on none)", () => {
    expect(blocks.filter((b) => b.kind === "runnable").length).toBeGreaterThanOrEqual(4);
    expect(blocks.filter((b) => b.kind === "checked").length).toBeGreaterThanOrEqual(4);
  });

  it("every orchestrator / orchestrator-runner command in a block exists with each flag it uses", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const block of blocks)
      for (const command of commandsOf(block.body)) {
        if (command.program === "npm") continue;
        const answer = help(command.program, command.sub);
        const where = `README.md:${block.line}: '${command.line}'`;
        if (answer.code !== 0) {
          problems.push(`${where}: '${command.program} ${command.sub ?? ""} --help' exited ${answer.code}`);
          continue;
        }
        for (const flag of command.words)
          if (!new RegExp(`${flag}(?![a-z-])`).test(answer.out))
            problems.push(`${where}: ${command.program} ${command.sub ?? ""} --help does not list ${flag}`);
        checked++;
      }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it("every npm script a block runs exists in package.json", () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: object })
      .scripts;
    const problems: string[] = [];
    let checked = 0;
    for (const block of blocks)
      for (const command of commandsOf(block.body)) {
        if (command.program !== "npm") continue;
        const script = command.sub === "run" ? command.words[0]! : command.sub;
        if (script !== "start" && script !== "test" && command.sub !== "run") continue; // npm's own commands
        checked++;
        if (!script || !Object.hasOwn(scripts, script))
          problems.push(`README.md:${block.line}: '${command.line}': no script '${script}' in package.json`);
      }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});

describe("README.md environment table", () => {
  const rows = envTable(README);
  const listed = new Set(rows.flatMap((r) => r.names));
  const ours = envReads([join(ROOT, "src"), join(ROOT, "runner")]);
  const probot = envReads([join(ROOT, "node_modules/probot/lib")], /\.js$/);

  it("has a default for every row", () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row.defaultValue, row.names.join(", ")).not.toBe("");
  });

  it("lists every variable the app and the runner read", () => {
    const missing = [...ours]
      .filter(([name]) => !listed.has(name))
      .map(([name, file]) => `${name} (read in ${relative(ROOT, file)}) is missing from README's env table`);
    expect(missing).toEqual([]);
  });

  it("lists only variables that are read (by this code, or by Probot where the row says so)", () => {
    const unread: string[] = [];
    for (const row of rows)
      for (const name of row.names) {
        const byProbot = row.readBy.includes("Probot") && probot.has(name);
        if (!ours.has(name) && !byProbot)
          unread.push(`${name} is in README's env table, but no code reads it (read by: ${row.readBy})`);
      }
    expect(unread).toEqual([]);
  });
});

describeDocker("README.md runnable blocks (real processes, real Docker)", () => {
  const docker = new Docker();
  afterAll(async () => {
    // Only if a block failed before its own clean-up: the example stack of this run.
    for (const label of [`com.docker.compose.project=${project}`, `orchestrator.demo=${project}`]) {
      for (const c of await docker.listContainers({ all: true, filters: { label: [label] } }))
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
      for (const image of await docker.listImages({ all: true, filters: { label: [label] } }))
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  });

  it("each runs to exit 0, in order, in one temporary folder", async () => {
    const work = tempDir("work");
    const home = tempDir("home");
    const env: NodeJS.ProcessEnv = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: home,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    };
    const runnable = blocks.filter((b) => b.kind === "runnable");
    for (const block of runnable) {
      const script = block.body.replaceAll(EXAMPLE_PROJECT, project);
      const result = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], {
        cwd: work,
        env,
        encoding: "utf8",
        timeout: 400_000,
      });
      const output = `${result.stdout}${result.stderr}`;
      expect(result.status, `README.md:${block.line} exited ${result.status}:\n${output.slice(-6000)}`).toBe(
        0,
      );
    }
    // The last block removed the example stack.
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    expect(left).toEqual([]);
  }, 900_000);
});
