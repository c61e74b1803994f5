import type { Context } from "probot";
import { RUNTIME_FAILURE_EVENT, runtimeFailurePayloadSchema } from "../../../contract/runtime-failure.js";
import { isAppBot } from "../../deploy/app-identity.js";
import { autoFix } from "../auto-fix.js";
import { clientFor } from "../client.js";
import type { AppDeps } from "../deps.js";
import { loadConfig } from "../load-config.js";

/**
 * `repository_dispatch` `orchestrator.runtime_failure` with client_payload {service, log}, sent by the
 * runner with the installation token, so its sender is the app's own bot. Anyone with write access can
 * send a dispatch too (and make the bot propose a fix from a log they wrote): those are ignored.
 */
export async function onRepositoryDispatch(
  context: Context<"repository_dispatch">,
  deps: AppDeps,
): Promise<void> {
  const { action, client_payload: payload } = context.payload as { action: string; client_payload: unknown };
  const log = context.log.child({ handler: "repository_dispatch", action });
  if (action !== RUNTIME_FAILURE_EVENT) {
    log.debug("not an orchestrator dispatch");
    return;
  }
  const parsed = runtimeFailurePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    log.warn(
      { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      "runtime failure payload is invalid: ignoring it",
    );
    return;
  }
  const sender = (context.payload as { sender?: { login?: string; type?: string } | null }).sender ?? null;
  // A person (type User) is never the bot: no need to look the bot up to say so.
  const identity = sender?.type === "Bot" ? await deps.trust.identity() : null;
  if (!identity || !isAppBot(sender, identity)) {
    log.warn(
      { sender: sender?.login ?? null, bot: identity?.botLogin ?? null },
      "runtime failure dispatch not sent by the app's bot: ignoring it",
    );
    return;
  }
  const { service, log: text } = parsed.data;
  const loaded = await loadConfig(context);
  if (loaded.status !== "ok") {
    // No commit to attach a check to: the log is the only place to say it.
    log.warn(
      { config: loaded.status },
      "runtime failure ignored: .github/orchestrator.yml is missing or invalid",
    );
    return;
  }
  if (!Object.hasOwn(loaded.config.services, service)) {
    log.warn({ service }, "runtime failure for a service that is not configured: ignoring it");
    return;
  }
  if (!loaded.config.auto_fix) {
    log.info({ service }, "auto_fix is off: not fixing runtime failures without a command");
    return;
  }
  const client = clientFor(context, deps.trust, log);
  const base = { label: `runtime failure of ${service} reported by the runner`, url: null, name: service };
  await autoFix({ client, config: loaded.config, deps }, [{ ...base, headSha: "", open: async () => text }], {
    service,
  });
}
