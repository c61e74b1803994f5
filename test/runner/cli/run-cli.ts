import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../cli-entry.ts", import.meta.url));
// An absolute loader URL, so the CLI can run from any folder (the README's workflow runs it in the workspace).
const TSX = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;

export interface CliRun {
  code: number | null;
  output: string;
}

/**
 * Runs `orchestrator-runner <args>` from source as its own process, in `cwd`, with exactly `env`,
 * and waits for it to exit (killed after `deadlineMs`, which the caller sees as a null code).
 */
export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; deadlineMs?: number },
): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", TSX, ENTRY, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.deadlineMs ?? 150_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
