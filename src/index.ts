import type { Probot } from "probot";
import { defaultDeps } from "./app/deps.js";
import { registerDeployHandlers } from "./app/handlers/deploy-handlers.js";
import { registerHandlers } from "./app/register.js";

/** The Probot entry point (`probot run ./dist/src/index.js`): it only registers handlers. */
export default function orchestrator(app: Probot): void {
  registerHandlers(app, defaultDeps());
  registerDeployHandlers(app);
}
