import type { Context } from "probot";
import { z } from "zod";
import { SERVICE_NAME } from "../../config/schema.js";
import { autoFix } from "../auto-fix.js";
import { clientFor } from "../client.js";
import type { AppDeps } from "../deps.js";
import { loadConfig } from "../load-config.js";

export const RUNTIME_FAILURE = "orchestrator.runtime_failure";

const runtimeFailure = z.object({
  service: z.string().regex(SERVICE_NAME),
  log: z.string().min(1),
});

/** `repository_dispatch` `orchestrator.runtime_failure` with client_payload {service, log}, sent by the runner. */
export async function onRepositoryDispatch(
  context: Context<"repository_dispatch">,
  deps: AppDeps,
): Promise<void> {
  const { action, client_payload: payload } = context.payload as { action: string; client_payload: unknown };
  const log = context.log.child({ handler: "repository_dispatch", action });
  if (action !== RUNTIME_FAILURE) {
    log.debug("not an orchestrator dispatch");
    return;
  }
  const parsed = runtimeFailure.safeParse(payload);
  if (!parsed.success) {
    log.warn(
      { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      "runtime failure payload is invalid: ignoring it",
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
  const client = clientFor(context, log);
  const base = { label: `runtime failure of ${service} reported by the runner`, url: null, name: service };
  await autoFix({ client, config: loaded.config, deps }, [{ ...base, headSha: "", open: async () => text }], {
    service,
  });
}
