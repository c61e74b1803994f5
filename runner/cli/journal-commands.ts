import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.js";
import { redact } from "../../src/redact/redactor.js";
import { allRuns } from "../journal/history.js";
import { runDir } from "../journal/journal-file.js";
import type { RunView } from "../journal/run-view.js";
import { serviceStatuses, type ServiceStatus } from "../journal/service-status.js";
import { reconcile } from "../pipeline/reconcile.js";
import { parseArgs, positiveIntOption, RunnerUsageError, stringOption } from "./args.js";
import { terminalReporter } from "./deploy-command.js";
import { stateDirFrom } from "./options.js";
import { renderRuns, renderStatus } from "./render.js";

function heldLocks(stateDir: string): Array<{ service: string; owner: string }> {
  const dir = join(stateDir, "locks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".lock"))
    .map((name) => {
      let owner = "unknown owner";
      try {
        const o = JSON.parse(readFileSync(join(dir, name, "owner.json"), "utf8")) as {
          pid: number;
          hostname: string;
          runId?: string;
        };
        owner = `pid ${o.pid} on ${o.hostname}${o.runId ? ` (run ${o.runId})` : ""}`;
      } catch {
        // being written or broken; say so
      }
      return { service: name.slice(0, -".lock".length), owner };
    });
}

/** `status [--json]`: per service what is live and the last failed attempt; held locks; runs to reconcile. */
export async function statusCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, [], ["json"]);
  if (args.positional.length > 0) throw new RunnerUsageError(`unexpected argument '${args.positional[0]}'`);
  const stateDir = stateDirFrom(env);
  const exists = existsSync(stateDir);
  const runs = allRuns(stateDir);
  const locks = heldLocks(stateDir);
  if (args.options.has("json")) {
    const services: Record<string, Omit<ServiceStatus, "service">> = {};
    for (const { service, ...rest } of serviceStatuses(runs)) services[service] = rest;
    const needsReconcile = runs
      .filter((run) => !run.reported)
      .map((run) => ({
        runId: run.runId,
        service: run.start?.service ?? null,
        finished: !!run.result,
        step: run.result ? null : (run.openStep ?? run.startedSteps.at(-1) ?? null),
      }));
    const body = { stateDir, exists, empty: runs.length === 0, services, locks, needsReconcile };
    io.stdout.write(redact(`${JSON.stringify(body, null, 2)}\n`));
  } else {
    io.stdout.write(redact(renderStatus({ path: stateDir, exists }, runs, locks)));
  }
  return 0;
}

/** `runs [--service S] [--limit N] [--json]`: the journal, newest first. */
export async function runsCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, ["service", "limit"], ["json"]);
  if (args.positional.length > 0) throw new RunnerUsageError(`unexpected argument '${args.positional[0]}'`);
  const service = stringOption(args, "service");
  const limit = positiveIntOption(args, "limit", 20);
  const stateDir = stateDirFrom(env);
  const runs = allRuns(stateDir)
    .filter((run) => !service || run.start?.service === service)
    .reverse()
    .slice(0, limit);
  if (args.options.has("json")) {
    io.stdout.write(
      redact(
        `${JSON.stringify(
          runs.map((run) => runRow(stateDir, run)),
          null,
          2,
        )}\n`,
      ),
    );
  } else {
    io.stdout.write(redact(renderRuns(runs)));
  }
  return 0;
}

/** One `runs --json` row: the same keys for every run, null where the journal has no value yet. */
export function runRow(stateDir: string, run: RunView) {
  return {
    runId: run.runId,
    service: run.start?.service ?? null,
    ref: run.start?.ref ?? null,
    status: run.status,
    targetSha: run.targetSha,
    previousSha: run.previousSha,
    startedAt: run.start?.at ?? null,
    finishedAt: run.result?.finishedAt ?? null,
    durationMs: run.result?.durationMs ?? null,
    reason: run.result?.reason ?? null,
    step: run.result ? null : (run.openStep ?? run.startedSteps.at(-1) ?? null),
    reported: run.reported,
    artifactsDir: runDir(stateDir, run.runId),
  };
}

/** `reconcile`: finish and report runs a killed runner left behind. */
export async function reconcileCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, []);
  if (args.positional.length > 0) throw new RunnerUsageError(`unexpected argument '${args.positional[0]}'`);
  const outcomes = await reconcile({ stateDir: stateDirFrom(env), reporter: terminalReporter(io), env });
  if (outcomes.length === 0) io.stdout.write("nothing to reconcile\n");
  for (const o of outcomes) if (o.skipped) io.stdout.write(`skipped ${o.runId}: ${o.skipped}\n`);
  return outcomes.some((o) => o.result && o.result.status !== "success" && o.action !== "report") ? 1 : 0;
}
