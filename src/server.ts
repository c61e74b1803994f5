/**
 * `npm start`: the Probot server with orchestrator loaded and a logger that redacts every line.
 * Without APP_ID / PRIVATE_KEY, Probot serves its setup page, which registers the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import { ProbotOctokit, run } from "probot";
import { appOctokitOptions, createAppPacers } from "./app/client.js";
import { redactedLogger } from "./redact/logger.js";
import { redactor } from "./redact/redactor.js";
import orchestrator from "./index.js";

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Awaited<ReturnType<typeof run>>> {
  redactor.addFromEnv(env);
  const log = redactedLogger({ level: env.LOG_LEVEL });
  // JWT with a minute of clock skew, token mints to the configured server, writes paced in bursts
  // (src/app/client.ts); one set of pacers per server, shared by all its installation clients.
  const pacers = createAppPacers();
  const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) =>
    appOctokitOptions(options, pacers),
  );
  return run(orchestrator, { env, log, Octokit } as Parameters<typeof run>[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startServer();
  // `docker stop` and process managers send SIGTERM (and Node as PID 1 has no default handler).
  process.once("SIGTERM", () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
