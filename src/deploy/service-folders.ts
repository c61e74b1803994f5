import type { OrchestratorConfig } from "../config/schema.js";
import { allServices } from "../config/service.js";

export function isInsideFolder(file: string, folder: string): boolean {
  return folder === "" || file.startsWith(`${folder}/`);
}

/**
 * The configured services whose folder holds every one of `files`. Pure. Several answers mean nested
 * or shared folders; none means the change reaches outside every service.
 */
export function servicesHoldingAll(files: string[], config: OrchestratorConfig): string[] {
  if (files.length === 0) return [];
  return allServices(config)
    .filter((service) => files.every((file) => isInsideFolder(file, service.folder)))
    .map((service) => service.name);
}
