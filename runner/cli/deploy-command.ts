import type { CliIo } from "../../src/cli/io.js";
import { redact } from "../../src/redact/redactor.js";
import { runDeploy } from "../pipeline/deploy.js";
import { reconcile } from "../pipeline/reconcile.js";
import type { DeployReporter } from "../pipeline/reporter.js";
import { progressReporter } from "../../src/cli/deploy-progress.js";
import { parseArgs, RunnerUsageError, stringOption } from "./args.js";
import { loadWorkspaceConfig, stateDirFrom, workspaceFrom } from "./options.js";
import { exitCodeFor, renderResult, renderStep } from "./render.js";
import { resolveService } from "../../src/config/service.js";

/** Progress on the terminal, through the redactor. */
export function terminalReporter(io: CliIo): DeployReporter {
  return {
    name: "cli",
    step: (event) => void io.stdout.write(redact(renderStep(event))),
    note: (_runId, message) => void io.stdout.write(redact(`.. ${message}\n`)),
    finish: (result) => void io.stdout.write(redact(renderResult(result))),
  };
}

/** `deploy <service> [--workspace DIR] [--ref REF] [--file F]...`: the whole pipeline, locally. */
export async function deployCommand(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const files: string[] = [];
  // --file may repeat; collect it before the generic parser sees the rest.
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--file" || arg.startsWith("--file=")) {
      const value = arg === "--file" ? argv[++i] : arg.slice("--file=".length);
      if (!value) throw new RunnerUsageError("--file needs a value");
      files.push(value);
    } else rest.push(arg);
  }
  const args = parseArgs(rest, ["workspace", "ref", "project"]);
  const [service, extra] = args.positional;
  if (!service) throw new RunnerUsageError("deploy needs a service name");
  if (extra) throw new RunnerUsageError(`unexpected argument '${extra}'`);
  const workspace = workspaceFrom(stringOption(args, "workspace"), env);
  const config = loadWorkspaceConfig(workspace);
  const serviceConfig = resolveService(config, service)?.config;
  if (!serviceConfig) {
    throw new RunnerUsageError(
      `unknown service '${service}'; configured: ${Object.keys(config.services).join(", ")}`,
    );
  }
  const stateDir = stateDirFrom(env);
  // On a terminal the running step's line shows its elapsed time and the last line of its log;
  // otherwise (a pipe, a CI log) one plain line per step start and end.
  const live = io.stdout.isTTY
    ? progressReporter(io.stdout, stateDir, { indent: "", finish: renderResult })
    : null;
  const reporter = live ?? terminalReporter(io);
  const request = {
    service,
    serviceConfig,
    ref: stringOption(args, "ref") ?? "HEAD",
    workspace,
    stateDir,
    project: stringOption(args, "project"),
    composeFiles: files,
    env,
  };
  try {
    // A previous runner may have been killed mid-deploy: finish its runs first.
    const recovered = await reconcile({ stateDir, reporter, env });
    for (const outcome of recovered)
      if (outcome.skipped) io.stdout.write(`.. skipped run ${outcome.runId}: ${outcome.skipped}\n`);
    const result = await runDeploy(request, { reporter });
    return exitCodeFor(result.status);
  } finally {
    live?.stop();
  }
}
