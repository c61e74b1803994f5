/** Where a repository keeps its orchestrator config; the app, the runner and the CLIs all read it there. */
export const CONFIG_FILE = "orchestrator.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;
