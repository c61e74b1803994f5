/**
 * `npm start`: the Probot server with orchestrator loaded. The entry point creates the process's
 * redactor and hands it to the logger (every line) and to Probot's Octokit (every request body); it
 * refuses to start without WEBHOOK_SECRET when APP_ID is set, and limits webhook bodies to 25 MB.
 * Without APP_ID / PRIVATE_KEY, Probot serves its setup page, which registers the app from app.yml.
 */
import { pathToFileURL } from "node:url";
import { ProbotOctokit, run, type Probot } from "probot";
import { redactedLogger } from "./redact/logger.js";
import { redactRequests } from "./redact/octokit-redaction.js";
import { createRedactor, redact, useProcessRedactor } from "./redact/redactor.js";
import { limitWebhookBodies, MAX_WEBHOOK_BYTES } from "./webhook/body-limit.js";
import { requireWebhookSecret } from "./webhook/webhook-secret.js";
import orchestrator from "./index.js";

const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Awaited<ReturnType<typeof run>>> {
  requireWebhookSecret(env);
  const redactor = useProcessRedactor(createRedactor().addFromEnv(env));
  const log = redactedLogger({ level: env.LOG_LEVEL, redactor });
  const app = (probot: Probot) => {
    // Probot has read .env by now: check again, and register what it added.
    requireWebhookSecret(env);
    redactor.addFromEnv(env);
    limitWebhookBodies(probot, {
      maxBytes: MAX_WEBHOOK_BYTES,
      path: env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH,
    });
    orchestrator(probot);
  };
  return run(app, {
    env,
    log,
    Octokit: ProbotOctokit.plugin(redactRequests(redactor)),
  } as Parameters<typeof run>[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await startServer();
  } catch (error) {
    process.stderr.write(`orchestrator: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  }
}
