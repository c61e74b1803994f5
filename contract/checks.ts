/** Check runs the app and the runner write, by name, and the buttons the app handles on them. */

export const FIX_CHECK = "orchestrator / fix";
export const APPROVAL_CHECK = "orchestrator / approval";
export const CONFIG_CHECK = "orchestrator / config";

/** Check run the runner writes on the deployed SHA; its buttons are handled by the app. */
export function deployCheckName(service: string): string {
  return `orchestrator / deploy ${service}`;
}

/** The service of a deploy check run, by its name; null for any other check run. */
export function serviceFromCheckName(name: string): string | null {
  const prefix = deployCheckName("");
  return name.startsWith(prefix) ? name.slice(prefix.length).trim() || null : null;
}

export const CHECK_ACTIONS = {
  rollback: { label: "Roll back", identifier: "rollback", description: "Redeploy the previous version" },
  retry: { label: "Retry", identifier: "retry", description: "Deploy this commit again" },
} as const;
