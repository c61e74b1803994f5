/** The label the app puts on its fix PRs; a merged PR that carries it deploys its service. */
export const ORCHESTRATOR_LABEL = "orchestrator";
