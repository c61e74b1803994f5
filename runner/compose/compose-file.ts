import { parse as parseYaml } from "yaml";

/** File names Compose looks for when no `-f` is given, in its order of preference. */
export const DEFAULT_COMPOSE_FILES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yml",
  "docker-compose.yaml",
];

export interface ComposeServiceInfo {
  /** `image:` when set (the name `build` tags and `up` runs). */
  image: string | null;
  hasBuild: boolean;
}

/**
 * Finds a service in one or more compose files (later files override earlier ones, as with `-f a -f b`).
 * Returns a clear error naming the files and the services they do declare.
 */
export function findComposeService(
  files: Array<{ path: string; text: string }>,
  service: string,
): { ok: true; info: ComposeServiceInfo } | { ok: false; error: string } {
  const declared = new Map<string, ComposeServiceInfo>();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseYaml(file.text);
    } catch (error) {
      return {
        ok: false,
        error: `${file.path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
      };
    }
    const services = (doc as { services?: unknown } | null)?.services;
    if (services === undefined || services === null) continue;
    if (typeof services !== "object" || Array.isArray(services)) {
      return { ok: false, error: `${file.path}: 'services' must be a mapping` };
    }
    for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
      const def = (raw ?? {}) as { image?: unknown; build?: unknown };
      const before = declared.get(name);
      declared.set(name, {
        image: typeof def.image === "string" ? def.image : (before?.image ?? null),
        hasBuild: def.build !== undefined || (before?.hasBuild ?? false),
      });
    }
  }
  const info = declared.get(service);
  const where = files.map((f) => f.path).join(", ");
  if (!info) {
    const known = [...declared.keys()].sort();
    return {
      ok: false,
      error: `compose service '${service}' is not declared in ${where}${known.length ? ` (it declares: ${known.join(", ")})` : " (it declares no services)"}`,
    };
  }
  if (!info.hasBuild) {
    return {
      ok: false,
      error: `compose service '${service}' in ${where} has no 'build:' section, so there is nothing to build and deploy`,
    };
  }
  return { ok: true, info };
}
