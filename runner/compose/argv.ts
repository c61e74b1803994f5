/**
 * Pure argv builders for Compose. The runner never builds a shell string: every command is an argv
 * array whose first element is the program (`docker` for the v2 plugin, `docker-compose` for v1).
 */

export type ComposeFlavor = "v2" | "v1";

export interface ComposeTarget {
  flavor: ComposeFlavor;
  /** Compose project name, passed as `-p` so that the runner and its label lookups agree. */
  project: string;
  /** Compose files (`-f`), relative to the project directory; empty = Compose's own default lookup. */
  files: string[];
}

/** The argv that tells whether the v2 plugin exists (exit code 0 = yes). */
export function pluginProbeArgv(): string[] {
  return ["docker", "compose", "version"];
}

function base(target: ComposeTarget): string[] {
  const head = target.flavor === "v2" ? ["docker", "compose"] : ["docker-compose"];
  const files = target.files.flatMap((file) => ["-f", file]);
  return [...head, "-p", target.project, ...files];
}

export function buildArgv(target: ComposeTarget, service: string): string[] {
  return [...base(target), "build", service];
}

export interface UpOptions {
  build: boolean;
  /**
   * Seconds the container being replaced gets to stop before it is killed (`--timeout`); default:
   * the service's own stop grace period. 0 kills it at once (a rollback replaces a broken container).
   */
  stopTimeoutS?: number;
}

export function upArgv(target: ComposeTarget, service: string, options: UpOptions): string[] {
  const { stopTimeoutS } = options;
  if (stopTimeoutS !== undefined && !(Number.isInteger(stopTimeoutS) && stopTimeoutS >= 0))
    throw new Error(`compose up stop timeout must be a whole number of seconds >= 0, got ${stopTimeoutS}`);
  return [
    ...base(target),
    "up",
    "-d",
    "--no-deps",
    ...(options.build ? [] : ["--no-build"]),
    ...(stopTimeoutS === undefined ? [] : ["--timeout", String(stopTimeoutS)]),
    service,
  ];
}

/** Stops the service's containers without removing them (their logs stay for the operator). */
export function stopArgv(target: ComposeTarget, service: string): string[] {
  return [...base(target), "stop", service];
}

/**
 * The project name Compose itself would derive: lowercase, only `[a-z0-9_-]`, starting with a letter
 * or digit. An explicit name that normalises to nothing is an error rather than a surprise.
 */
export function normalizeProjectName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
  if (!name) throw new Error(`compose project name '${raw}' has no usable characters (use [a-z0-9_-])`);
  return name;
}

/** Project name: `COMPOSE_PROJECT_NAME` wins, else the workspace folder's name (Compose's default). */
export function resolveProjectName(env: Record<string, string | undefined>, workspaceDir: string): string {
  const fromEnv = env.COMPOSE_PROJECT_NAME?.trim();
  if (fromEnv) return normalizeProjectName(fromEnv);
  const folder =
    workspaceDir
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() ?? "";
  return normalizeProjectName(folder);
}

/** Compose files: explicit ones (`--file`) win, else `COMPOSE_FILE` (a path-separator list, as Compose reads it). */
export function resolveComposeFiles(
  env: Record<string, string | undefined>,
  explicit: string[] = [],
): string[] {
  if (explicit.length > 0) return explicit;
  const fromEnv = env.COMPOSE_FILE?.trim();
  if (!fromEnv) return [];
  const separator = env.COMPOSE_PATH_SEPARATOR ?? (process.platform === "win32" ? ";" : ":");
  return fromEnv.split(separator).filter(Boolean);
}

/** The image name Compose gives a built service that has no `image:` key. */
export function defaultImageName(flavor: ComposeFlavor, project: string, service: string): string {
  return flavor === "v2" ? `${project}-${service}` : `${project}_${service}`;
}
