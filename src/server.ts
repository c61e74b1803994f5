/**
 * `npm start`: the Probot server with orchestrator loaded and a logger that redacts every line.
 * Without APP_ID / PRIVATE_KEY, Probot serves its setup page, which registers the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import { ProbotOctokit, run } from "probot";
import { withSkewTolerantJwt } from "./github/app-jwt.js";
import { redactedLogger } from "./redact/logger.js";
import { redactor } from "./redact/redactor.js";
import orchestrator from "./index.js";

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Awaited<ReturnType<typeof run>>> {
  redactor.addFromEnv(env);
  const log = redactedLogger({ level: env.LOG_LEVEL });
  // The App JWT tolerates a GitHub clock up to a minute behind (src/github/app-jwt.ts).
  const Octokit = ProbotOctokit.defaults(withSkewTolerantJwt);
  return run(orchestrator, { env, log, Octokit } as Parameters<typeof run>[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await startServer();
}
