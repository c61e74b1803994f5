/**
 * Pure argv builders and image references for the swarm engine. Like the compose ones, every command
 * is an argv array (no shell); the program is always the docker CLI.
 */

/** `<stack>_<service>`: the name `docker stack deploy` gives a stack's service. */
export function swarmServiceName(stack: string, service: string): string {
  return `${stack}_${service}`;
}

/** The repository part of an image reference: no tag, no digest (`host:5000/a/b:1@sha256:..` -> `host:5000/a/b`). */
export function imageRepository(reference: string): string {
  const noDigest = reference.split("@")[0]!;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * The reference a deploy of `sha` builds: `<repository>:<sha12>`, under `registry` when one is set
 * and the repository does not name it already.
 */
export function deployImageRef(image: string, sha: string, registry?: string): string {
  if (!/^[0-9a-f]{12,40}$/.test(sha)) throw new Error(`deploy SHA must be 12-40 hex digits, got '${sha}'`);
  const repo = imageRepository(image);
  const registryPath = registry?.replace(/\/+$/, "");
  const placed = registryPath && !repo.startsWith(`${registryPath}/`) ? `${registryPath}/${repo}` : repo;
  return `${placed}:${sha.slice(0, 12)}`;
}

export interface ImageBuild {
  /** Build context, relative to the workspace. */
  context: string;
  /** Dockerfile, relative to the workspace (undefined: `<context>/Dockerfile`). */
  dockerfile?: string;
}

export function buildImageArgv(build: ImageBuild, reference: string): string[] {
  return [
    "docker",
    "build",
    "-t",
    reference,
    ...(build.dockerfile ? ["-f", build.dockerfile] : []),
    build.context,
  ];
}

export function pushArgv(reference: string): string[] {
  return ["docker", "push", reference];
}

export type SwarmUpdateOrder = "start-first" | "stop-first";

/**
 * The update order a deploy sets on the service. orchestrator.yml's `deploy.strategy` wins, as it
 * does over a compose file's `update_config.order` on the compose engine: `start-first` ->
 * start-first, `recreate` -> stop-first. Without it, null: the stack file's own
 * `deploy.update_config.order` (else swarm's default, stop-first) stays in charge.
 */
export function swarmUpdateOrder(strategy: "recreate" | "start-first" | undefined): SwarmUpdateOrder | null {
  if (strategy === undefined) return null;
  return strategy === "start-first" ? "start-first" : "stop-first";
}

/**
 * Points the service at `image` with its own update_config, returning at once (`--detach`): the
 * runner watches the rollout itself. Without a registry the image is local and must not be looked up.
 * `order` (from deploy.strategy) sets the update order; null keeps the service's.
 */
export function serviceUpdateArgv(
  service: string,
  image: string,
  options: { registry: boolean; order?: SwarmUpdateOrder | null },
): string[] {
  return [
    "docker",
    "service",
    "update",
    "--detach",
    "--with-registry-auth",
    ...(options.registry ? [] : ["--no-resolve-image"]),
    ...(options.order ? ["--update-order", options.order] : []),
    "--image",
    image,
    service,
  ];
}

/** The service's previous spec again, with its rollback_config. */
export function serviceRollbackArgv(service: string): string[] {
  return ["docker", "service", "rollback", "--detach", service];
}

/** A failed first deploy: no previous version, so its tasks are stopped (the service stays, with its logs). */
export function serviceScaleToZeroArgv(service: string): string[] {
  return ["docker", "service", "scale", "--detach", `${service}=0`];
}

/**
 * Deploys the stack from one rendered file (images pinned by the runner). The image references are
 * already exact (a tag the runner built, or a digest it pushed), so they are not resolved again.
 */
export function stackDeployArgv(stack: string, file: string): string[] {
  return ["docker", "stack", "deploy", "--with-registry-auth", "--resolve-image", "never", "-c", file, stack];
}
