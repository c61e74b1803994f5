import type { Probot } from "probot";
import { defaultDeps, type AppDepsInput } from "./app/deps.js";
import { registerDeployHandlers } from "./app/handlers/deploy-handlers.js";
import { registerHandlers } from "./app/register.js";

/** The whole app: the fix half's handlers and the deploy half's; `deps` default to the real lookups. */
export function createOrchestrator(deps?: AppDepsInput): (app: Probot) => void {
  return (app) => {
    registerHandlers(app, deps ?? defaultDeps());
    registerDeployHandlers(app);
  };
}

/** The Probot entry point (`probot run ./dist/src/index.js`): it only registers handlers. */
export default function orchestrator(app: Probot): void {
  createOrchestrator()(app);
}
