/**
 * `orchestrator-runner deploy` as a real process on real Docker: under a pseudo-terminal (script(1)
 * from util-linux) the build step's line is redrawn with its elapsed time and the last build line;
 * through a pipe it prints plain lines as steps start and end.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeDocker } from "../../helpers/docker.js";
import { buildDist, ROOT } from "../../cli/build-dist.js";
import { createStack, type Stack } from "../stack.js";
import { latestRun } from "./deploy-cli.js";

const T = 240_000;
const BIN = join(ROOT, "bin/orchestrator-runner.js");

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Runs argv to its end; with `tty`, inside `script -qfec` so that its stdout is a terminal. */
function runProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
  tty: boolean,
): Promise<{ code: number | null; output: string }> {
  const [file, args] = tty
    ? ["script", ["-qfec", argv.map(shellQuote).join(" "), "/dev/null"]]
    : [argv[0]!, argv.slice(1)];
  const child = spawn(file as string, args as string[], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 200_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** The stack's Dockerfile with a build step that prints a line, then takes 4 s. */
const slowBuild = (stack: Stack, marker: string) =>
  readFileSync(join(stack.workspace, "services/web/Dockerfile"), "utf8").replace(
    "COPY www /www",
    `RUN ["/bin/sh", "-c", "echo ${marker}-begins; sleep 4; echo ${marker}-ends"]\nCOPY www /www`,
  );

describeDocker("orchestrator-runner deploy: live progress (real process, real Docker)", () => {
  let stack: Stack;
  beforeAll(async () => {
    await buildDist();
    stack = await createStack("liveprogress");
    stack.upInitial();
  }, T);
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "on a terminal redraws the build step with its elapsed time and the last build line",
    async () => {
      // A marker of this run: a cached build layer would skip the slow step.
      const marker = `slow${Date.now().toString(36)}`;
      stack.variant("tty", {
        "services/web/Dockerfile": slowBuild(stack, marker),
        "services/web/www/version": "tty\n",
      });
      const result = await runProcess(
        [process.execPath, BIN, "deploy", "web", "--workspace", stack.workspace, "--ref", "tty"],
        stack.env,
        true,
      );
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain("web: SUCCESS");
      // Frames: clear the line, then "   build <elapsed>  <last line of build.log>".
      const frames = [...result.output.matchAll(/\r\x1b\[2K {3}build (\d+ ms|\d+\.\d s) {2}([^\r\n\x1b]*)/g)];
      expect(frames.length, JSON.stringify(result.output.slice(0, 4000))).toBeGreaterThan(2);
      expect(new Set(frames.map((f) => f[1])).size).toBeGreaterThan(1); // the time moves
      // Compose v1 prints the line as it is; v2 (BuildKit) prefixes a step number and a time.
      expect(
        frames.some((f) => f[2]?.endsWith(`${marker}-begins`)),
        JSON.stringify(frames.map((f) => f[0])),
      ).toBe(true);
      const buildLog = readFileSync(join(latestRun(stack).summary.artifactsDir, "build.log"), "utf8");
      for (const frame of frames.filter((f) => f[2])) expect(buildLog).toContain(frame[2]!.slice(0, 40));
      expect(await stack.get("/version")).toBe("tty");
    },
    T,
  );

  it(
    "through a pipe prints plain lines as steps start and end, with no redraws",
    async () => {
      stack.variant("pipe", { "services/web/www/version": "pipe\n" }, "tty");
      const result = await runProcess(
        [process.execPath, BIN, "deploy", "web", "--workspace", stack.workspace, "--ref", "pipe"],
        stack.env,
        false,
      );
      expect(result.code, result.output).toBe(0);
      expect(result.output).not.toContain("\x1b[2K");
      const lines = result.output.split("\n");
      const buildStart = lines.indexOf("-> build");
      const buildEnd = lines.findIndex((l) => /^ {3}build ok \(/.test(l));
      expect(buildStart, result.output).toBeGreaterThanOrEqual(0);
      expect(buildEnd).toBeGreaterThan(buildStart);
      expect(lines.indexOf("-> verify")).toBeGreaterThan(buildEnd);
      expect(result.output).toContain("web: SUCCESS");
    },
    T,
  );
});
