/**
 * Kill points: SIGKILL the runner right after each journal event of a deploy (through the test-only
 * failpoint), restart it, and check what an operator relies on. Shared by the success and rollback suites.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import type { JournalEvent } from "../../runner/journal/events.js";
import { FAILPOINT_ENV } from "../../runner/journal/failpoint.js";
import { listRunIds, readEvents, runDir } from "../../runner/journal/journal-file.js";
import type { Stack } from "../runner/stack.js";

/** What the kill-point checks need of a stack (the httpd fixture stack, or one behind a proxy). */
export type KillStack = Pick<Stack, "get" | "stateDir" | "env" | "git" | "project">;
import { runRunner, type RunnerExit } from "./runner-process.js";

export interface KillPoint {
  /** The failpoint spec, e.g. `after:step-start/build:1`. */
  spec: string;
  type: JournalEvent["type"];
  step: string | null;
}

/** One kill point after every event the run journaled, in order (nth counts events of the same type and step). */
export function killPointsOf(events: JournalEvent[]): KillPoint[] {
  const counts = new Map<string, number>();
  return events.map((event) => {
    const step = "step" in event ? event.step : null;
    const key = step ? `${event.type}/${step}` : event.type;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    return { spec: `after:${key}:${nth}`, type: event.type, step };
  });
}

export interface KillOutcome {
  point: KillPoint;
  /** The event of `reconcile` itself it was killed after too, if any. */
  reconcilePoint?: KillPoint;
  runId: string | null;
  status: string | null;
  served: string | null;
  problems: string[];
  /** Killed deploy + restart + checks, ms. */
  ms: number;
}

export interface Attempt {
  /** Ref to deploy (a branch of the stack). */
  ref: string;
  /** What /version answers when this ref serves. */
  version: string;
}

export interface PathSpec {
  stack: KillStack;
  /** Makes a fresh variant for attempt `i` (each attempt must build something new). */
  attempt(i: number): Attempt;
  /** How a clean run of an attempt ends. */
  cleanStatus: "success" | "rolled_back";
}

/** The runner's env for this stack: no failpoint unless asked. */
export function runnerEnv(stack: KillStack, failpoint?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...stack.env, RUNNER_COMPOSE: "v1" };
  delete env[FAILPOINT_ENV];
  if (failpoint) env[FAILPOINT_ENV] = failpoint;
  return env;
}

async function served(stack: KillStack): Promise<string | null> {
  const until = Date.now() + 3_000;
  for (;;) {
    const health = await stack.get("/health");
    const version = health === "ok" ? await stack.get("/version") : null;
    if (version !== null || Date.now() >= until) return version;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function heldLocks(stateDir: string): string[] {
  const dir = join(stateDir, "locks");
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".lock")) : [];
}

function newRunId(stack: KillStack, known: Set<string>): string | null {
  return listRunIds(stack.stateDir).find((id) => !known.has(id)) ?? null;
}

async function imageConsistency(stack: KillStack, serviceImage: string | null): Promise<string | null> {
  if (!serviceImage) return null;
  const docker = new Docker();
  const [container] = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=web"] },
  });
  if (!container) return "no running container for the service";
  const tagged = await docker
    .getImage(serviceImage)
    .inspect()
    .then((i) => i.Id)
    .catch(() => null);
  return tagged === container.ImageID
    ? null
    : `the service image ${serviceImage} is ${tagged?.slice(7, 19) ?? "missing"} but the container runs ${container.ImageID.slice(7, 19)} (a later 'up' would start an image nobody verified)`;
}

function describeExit(exit: RunnerExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
}

/** Deploys `attempt` cleanly (no failpoint); returns the run's journal. */
export async function cleanDeploy(
  spec: PathSpec,
  attempt: Attempt,
): Promise<{ exit: RunnerExit; events: JournalEvent[] }> {
  const known = new Set(listRunIds(spec.stack.stateDir));
  const exit = await runRunner(["deploy", "web", "--ref", attempt.ref], runnerEnv(spec.stack));
  const runId = newRunId(spec.stack, known);
  return { exit, events: runId ? readEvents(runDir(spec.stack.stateDir, runId)) : [] };
}

/**
 * Kills a deploy of `attempt` at `point`, restarts the runner with `reconcile`, and checks the
 * invariants. With `reconcilePoint`, the first `reconcile` is killed too, at that event of its own,
 * and a second one has to finish the run.
 */
export async function exerciseKillPoint(
  spec: PathSpec,
  point: KillPoint,
  attempt: Attempt,
  serviceImage: string | null,
  reconcilePoint?: KillPoint,
): Promise<KillOutcome> {
  const { stack } = spec;
  const began = Date.now();
  const problems: string[] = [];
  const before = await served(stack);
  const known = new Set(listRunIds(stack.stateDir));
  const killed = await runRunner(["deploy", "web", "--ref", attempt.ref], runnerEnv(stack, point.spec));
  if (killed.signal !== "SIGKILL")
    problems.push(`the failpoint did not fire (${describeExit(killed)}): ${killed.output.slice(-400)}`);
  const runId = newRunId(stack, known);
  if (!runId)
    return {
      point,
      reconcilePoint,
      runId,
      status: null,
      served: before,
      problems: [...problems, "no run journaled"],
      ms: Date.now() - began,
    };

  if (reconcilePoint) {
    const interrupted = await runRunner(["reconcile"], runnerEnv(stack, reconcilePoint.spec));
    if (interrupted.signal !== "SIGKILL")
      problems.push(
        `the reconcile failpoint ${reconcilePoint.spec} did not fire (${describeExit(interrupted)}): ${interrupted.output.slice(-400)}`,
      );
  }
  const restarted = await runRunner(["reconcile"], runnerEnv(stack));
  if (restarted.signal || (restarted.code !== 0 && restarted.code !== 1))
    problems.push(`reconcile ended with ${describeExit(restarted)}: ${restarted.output.slice(-600)}`);

  const events = readEvents(runDir(stack.stateDir, runId));
  const results = events.filter((e) => e.type === "result");
  const reports = events.filter((e) => e.type === "reported");
  if (results.length !== 1) problems.push(`${results.length} results journaled (want 1)`);
  if (reports.length !== 1) problems.push(`${reports.length} reports journaled (want 1)`);
  const result = results[0]?.type === "result" ? results[0].result : null;
  const status = result?.status ?? null;

  const now = await served(stack);
  if (now === null) problems.push("the service does not answer its health URL");
  else if (now !== before && now !== attempt.version)
    problems.push(`serves '${now}', neither the old '${before}' nor the new '${attempt.version}'`);
  if (result) {
    if (status === "success" && now !== attempt.version)
      problems.push(`reported success but serves '${now}' (want '${attempt.version}')`);
    if (status !== "success" && now !== before)
      problems.push(`reported ${status} but serves '${now}' (want the old '${before}')`);
    if (status === "rollback_failed" || status === "refused")
      problems.push(`ended ${status}: ${result.reason}`);
    if (spec.cleanStatus === "rolled_back" && status === "success")
      problems.push("a version whose health check fails was reported deployed");
    const head = stack.git("rev-parse", "HEAD");
    if (result.workspaceSha && head !== result.workspaceSha)
      problems.push(`workspace HEAD ${head.slice(0, 12)}, result says ${result.workspaceSha.slice(0, 12)}`);
  }
  const locks = heldLocks(stack.stateDir);
  if (locks.length > 0) problems.push(`locks still held: ${locks.join(", ")}`);
  const image = await imageConsistency(stack, serviceImage);
  if (image) problems.push(image);

  const again = await runRunner(["reconcile"], runnerEnv(stack));
  if (again.code !== 0 || !again.output.includes("nothing to reconcile"))
    problems.push(
      `a second reconcile still found work (${describeExit(again)}): ${again.output.slice(-300)}`,
    );
  const listed = await runRunner(["runs", "--json", "--limit", "1"], runnerEnv(stack));
  const row = (
    JSON.parse(listed.output || "[]") as Array<{ runId: string; status: string; reported: boolean }>
  )[0];
  if (!row || row.runId !== runId || row.status !== status || !row.reported)
    problems.push(`\`runs\` shows ${JSON.stringify(row)} (want ${runId} ${status} reported)`);

  return { point, reconcilePoint, runId, status, served: now, problems, ms: Date.now() - began };
}

/** A one-line-per-point table for the test log. */
export function renderOutcomes(outcomes: KillOutcome[]): string {
  return outcomes
    .map(
      (o) =>
        `${o.problems.length === 0 ? "ok  " : "FAIL"} ${(o.reconcilePoint ? `${o.point.spec} + reconcile ${o.reconcilePoint.spec}` : o.point.spec).padEnd(36)} -> ${String(o.status).padEnd(12)} serves ${String(o.served).padEnd(6)} ${String(o.ms).padStart(6)} ms${o.problems.length ? `\n       ${o.problems.join("\n       ")}` : ""}`,
    )
    .join("\n");
}
