/**
 * `npm run bench [-- name ...]`: runs the benchmark modules in sequence, or only the named ones.
 * Each module exports one async function; add new ones to BENCHMARKS.
 */
import { benchDemo } from "./demo.js";
import { benchDeploy } from "./deploy.js";
import { benchDiagnose } from "./diagnose.js";
import { benchLineSplitter } from "./line-splitter.js";
import { benchRedact } from "./redact.js";
import { benchGitHubBudget } from "./github-budget.js";
import { benchZeroDowntime } from "./zero-downtime.js";
import { benchMonitor } from "./monitor.js";
import { benchSwarm } from "./swarm.js";

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  diagnose: benchDiagnose,
  deploy: () => benchDeploy(),
  demo: benchDemo,
  "line-splitter": () => benchLineSplitter(),
  redact: benchRedact,
  "github-budget": benchGitHubBudget,
  "zero-downtime": () => benchZeroDowntime(),
  monitor: benchMonitor,
  swarm: () => benchSwarm(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !Object.hasOwn(BENCHMARKS, name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; available: ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  console.log(`== ${name}`);
  await BENCHMARKS[name]!();
}
