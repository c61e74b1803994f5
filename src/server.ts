/**
 * `npm start`: the Probot server with orchestrator loaded. The entry point creates the process's
 * redactor and hands it to the logger (every line) and to Probot's Octokit (every request body); it
 * refuses to start without WEBHOOK_SECRET when APP_ID is set, and limits webhook bodies to 25 MB.
 * Without APP_ID / PRIVATE_KEY, Probot serves its setup page, which registers the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import { ProbotOctokit, run, type ApplicationFunction, type Probot } from "probot";
import { appOctokitOptions, createAppPacers } from "./app/client.js";
import { redactedLogger } from "./redact/logger.js";
import { redactRequests } from "./redact/octokit-redaction.js";
import { createRedactor, redact, useProcessRedactor, type Redactor } from "./redact/redactor.js";
import { appMetrics } from "./metrics/app-metrics.js";
import { opsHandler, probotReadyProbe } from "./metrics/app-ops.js";
import { attachGitHubMetrics } from "./metrics/github-requests.js";
import { createStatsd, statsdSettingsFrom } from "./metrics/statsd.js";
import { limitWebhookBodies, MAX_WEBHOOK_BYTES } from "./webhook/body-limit.js";
import { requireWebhookSecret } from "./webhook/webhook-secret.js";
import orchestrator from "./index.js";
import { errorMessage } from "../github/errors.js";

const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/**
 * What the server gives Probot: a logger and an Octokit class that both redact with `redactor`, so
 * neither a log line nor a request body depends on a call site remembering to redact.
 */
export function appWiring(
  redactor: Redactor,
  options: { level?: string | undefined; destination?: { write(line: string): unknown } } = {},
): { log: Logger; Octokit: typeof ProbotOctokit } {
  const pacers = createAppPacers();
  return {
    log: redactedLogger({
      level: options.level,
      redactor,
      ...(options.destination ? { destination: options.destination } : {}),
    }),
    // JWT with a minute of clock skew, token mints to the configured server, writes paced in bursts
    // (src/app/client.ts); one set of pacers per server, shared by all its installation clients.
    Octokit: ProbotOctokit.plugin(redactRequests(redactor), (octokit) => {
      attachGitHubMetrics(octokit, appMetrics().github);
      return {};
    }).defaults((octokitOptions: Record<string, unknown>) => appOctokitOptions(octokitOptions, pacers)),
  };
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Awaited<ReturnType<typeof run>>> {
  requireWebhookSecret(env);
  const statsd = statsdSettingsFrom(env);
  if (statsd) appMetrics().useStatsd(createStatsd(statsd));
  const redactor = useProcessRedactor(createRedactor().addFromEnv(env));
  const { log, Octokit } = appWiring(redactor, { level: env.LOG_LEVEL });
  const app: ApplicationFunction = (probot: Probot, options) => {
    // /health, /ready and /metrics beside Probot's routes.
    options.addHandler(opsHandler({ metrics: appMetrics(), ready: probotReadyProbe(probot) }));
    // Probot has read .env by now: check again, and register what it added.
    requireWebhookSecret(env);
    redactor.addFromEnv(env);
    limitWebhookBodies(probot, {
      maxBytes: MAX_WEBHOOK_BYTES,
      path: env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH,
    });
    orchestrator(probot);
  };
  return run(app, { env, log, Octokit } as Parameters<typeof run>[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    server = await startServer();
  } catch (error) {
    process.stderr.write(`orchestrator: ${redact(errorMessage(error))}\n`);
    process.exitCode = 1;
  }
  if (server) {
    const running = server;
    // `docker stop` and process managers send SIGTERM (and Node as PID 1 has no default handler).
    const stop = () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
}
