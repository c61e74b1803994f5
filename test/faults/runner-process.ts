/** Runs the built runner CLI (`node bin/orchestrator-runner.js`) as a user would: env + args only. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/orchestrator-runner.js", import.meta.url));
const BUILT = fileURLToPath(new URL("../../dist/runner/cli/main.js", import.meta.url));

export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface RunnerProcess {
  pid: number;
  output(): string;
  exited: Promise<RunnerExit>;
  kill(signal?: NodeJS.Signals): void;
}

export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` before this suite`);
}

/** Starts the runner; it is SIGKILLed if it is still running after `deadlineMs`. */
export function startRunner(args: string[], env: NodeJS.ProcessEnv, deadlineMs = 120_000): RunnerProcess {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => {
    out += `\n[test] runner still running after ${deadlineMs} ms: killed\n`;
    child.kill("SIGKILL");
  }, deadlineMs);
  const exited = new Promise<RunnerExit>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: out });
    }),
  );
  return { pid: child.pid!, output: () => out, exited, kill: (signal = "SIGTERM") => child.kill(signal) };
}

/** Runs the runner to its end. */
export function runRunner(args: string[], env: NodeJS.ProcessEnv, deadlineMs?: number): Promise<RunnerExit> {
  return startRunner(args, env, deadlineMs).exited;
}
