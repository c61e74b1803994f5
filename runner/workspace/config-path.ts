/** Where a workspace keeps its orchestrator config (its own module: reading it needs no git). */
export const CONFIG_PATH = ".github/orchestrator.yml";
