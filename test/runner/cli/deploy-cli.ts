/**
 * Local `deploy` through the runner CLI as its own process (env + args only, default clients, real
 * Docker), for the regression tests of services that are not answering when verification starts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeployResult } from "../../../runner/journal/events.js";
import { lockPath } from "../../../runner/lock/service-lock.js";
import { spawnRunnerCli } from "../cli-process.js";
import type { Stack } from "../stack.js";

const VARIANTS = new URL("../../fixtures/stacks/httpd-variants/", import.meta.url).pathname;

/** A start.sh variant from test/fixtures/stacks/httpd-variants. */
export function startScript(name: string): string {
  return readFileSync(join(VARIANTS, name), "utf8");
}

export interface CliDeploy {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** `orchestrator-runner deploy web --workspace DIR --ref REF`; killed (and so failed) after `limitMs`. */
export async function deployViaCli(stack: Stack, ref: string, limitMs = 150_000): Promise<CliDeploy> {
  const cli = spawnRunnerCli(["deploy", "web", "--workspace", stack.workspace, "--ref", ref], stack.env);
  const timer = setTimeout(() => cli.child.kill("SIGKILL"), limitMs);
  try {
    const { code, signal } = await cli.exited;
    return { code, signal, output: cli.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** The newest run's summary and verify.log in the stack's state dir. */
export function latestRun(stack: Stack): { summary: DeployResult; verifyLog: string } {
  const runs = join(stack.stateDir, "runs");
  const newest = readdirSync(runs).sort().at(-1);
  if (!newest) throw new Error(`no runs under ${runs}`);
  const dir = join(runs, newest);
  return {
    summary: JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as DeployResult,
    verifyLog: readFileSync(join(dir, "verify.log"), "utf8"),
  };
}

export function lockHeld(stack: Stack): boolean {
  return existsSync(lockPath(stack.stateDir, "web"));
}

/** The http probe lines of verify.log's first section (the new version), in order: true = ok. */
export function httpProbes(verifyLog: string): boolean[] {
  const firstSection = verifyLog.split("== verify after rollback ==")[0]!;
  return [...firstSection.matchAll(/ http\s+(ok|FAIL) /g)].map((m) => m[1] === "ok");
}
