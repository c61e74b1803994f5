import { parse as parseYaml, stringify } from "yaml";
import type { ImageBuild } from "./argv.js";

export interface StackService {
  /** `image:` of the service: the repository the runner tags its builds in. */
  image: string;
  build: ImageBuild;
}

type Doc = { services?: Record<string, Record<string, unknown> | null> } & Record<string, unknown>;

function parse(file: { path: string; text: string }): Doc {
  try {
    return (parseYaml(file.text) ?? {}) as Doc;
  } catch (error) {
    throw new Error(`${file.path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * The service as the swarm engine needs it from the stack file(s) (later files override earlier
 * ones): an `image:` (a swarm node pulls or finds images by name, it never builds) and a `build:` the
 * runner builds it from. Returns a clear refusal otherwise.
 */
export function findStackService(
  files: Array<{ path: string; text: string }>,
  service: string,
): { ok: true; service: StackService } | { ok: false; error: string } {
  let image: string | undefined;
  let build: ImageBuild | undefined;
  let declared = false;
  const where = files.map((f) => f.path).join(", ");
  for (const file of files) {
    let doc: Doc;
    try {
      doc = parse(file);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    const def = doc.services?.[service];
    if (def === undefined) continue;
    declared = true;
    if (typeof def?.image === "string") image = def.image;
    const raw = def?.build;
    if (typeof raw === "string") build = { context: raw };
    else if (raw && typeof raw === "object") {
      const { context, dockerfile } = raw as { context?: unknown; dockerfile?: unknown };
      const ctx = typeof context === "string" ? context : ".";
      build = {
        context: ctx,
        ...(typeof dockerfile === "string" ? { dockerfile: `${ctx.replace(/\/+$/, "")}/${dockerfile}` } : {}),
      };
    }
  }
  if (!declared) return { ok: false, error: `stack service '${service}' is not declared in ${where}` };
  if (!image)
    return {
      ok: false,
      error: `stack service '${service}' in ${where} has no 'image:'; swarm runs images by name, so give it one (the runner tags <image>:<sha12>)`,
    };
  if (!build)
    return {
      ok: false,
      error: `stack service '${service}' in ${where} has no 'build:' section to build from`,
    };
  return { ok: true, service: { image, build } };
}

/**
 * One stack file for `docker stack deploy`: the files merged (later ones override per service key),
 * with `images` pinned (service name -> reference) and `build:` dropped (stack deploy ignores it).
 */
export function renderStackFile(
  files: Array<{ path: string; text: string }>,
  images: Record<string, string>,
  updateOrder?: { service: string; order: string } | null,
): string {
  const merged = mergeStackFiles(files);
  for (const [name, def] of Object.entries(merged.services ?? {})) {
    if (!def) continue;
    delete def.build;
    if (images[name]) def.image = images[name];
    if (updateOrder && name === updateOrder.service) {
      const deploy = (def.deploy ?? {}) as Record<string, unknown>;
      const update = (deploy.update_config ?? {}) as Record<string, unknown>;
      def.deploy = { ...deploy, update_config: { ...update, order: updateOrder.order } };
    }
  }
  return stringify(merged);
}

/** The service's `deploy.update_config.order` in the stack file(s), or null when they set none. */
export function stackUpdateOrder(
  files: Array<{ path: string; text: string }>,
  service: string,
): string | null {
  const def = mergeStackFiles(files).services?.[service];
  const deploy = def?.deploy as { update_config?: { order?: unknown } } | undefined;
  const order = deploy?.update_config?.order;
  return typeof order === "string" ? order : null;
}

function mergeStackFiles(files: Array<{ path: string; text: string }>): Doc {
  const merged: Doc = {};
  for (const file of files) {
    const doc = parse(file);
    for (const [key, value] of Object.entries(doc)) {
      if (key !== "services") merged[key] = value;
    }
    // A compose file's services, not the orchestrator config's (those are resolved in src/config/service.ts).
    const composeServices = (merged.services ??= {});
    for (const [name, def] of Object.entries(doc.services ?? {}))
      composeServices[name] = { ...(composeServices[name] ?? {}), ...(def ?? {}) };
  }
  return merged;
}

/** Every service the stack file(s) declare. */
export function stackServiceNames(files: Array<{ path: string; text: string }>): string[] {
  return [...new Set(files.flatMap((file) => Object.keys(parse(file).services ?? {})))];
}
