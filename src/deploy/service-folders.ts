import type { OrchestratorConfig } from "../config/schema.js";

/** The folder of a service, normalised ("" for the repository root). */
export function serviceFolder(path: string): string {
  const folder = path.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return folder === "." ? "" : folder;
}

export function isInsideFolder(file: string, folder: string): boolean {
  return folder === "" || file.startsWith(`${folder}/`);
}

/**
 * The configured services whose folder holds every one of `files`. Pure. Several answers mean nested
 * or shared folders; none means the change reaches outside every service.
 */
export function servicesHoldingAll(files: string[], config: OrchestratorConfig): string[] {
  if (files.length === 0) return [];
  return Object.entries(config.services)
    .filter(([, service]) => files.every((file) => isInsideFolder(file, serviceFolder(service.path))))
    .map(([name]) => name);
}
