/** Where dockerode connects: `DOCKER_HOST` when set, else the default Unix socket. */
export function describeDockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST?.trim() || "unix:///var/run/docker.sock";
}

export class DockerUnreachableError extends Error {
  override readonly name = "DockerUnreachableError";
  constructor(endpoint: string, cause: string) {
    super(
      `Docker daemon unreachable at ${endpoint}: ${cause} (is dockerd running, and may this user use it?)`,
    );
  }
}

/** Socket-level failures mean the daemon is not there; HTTP errors (404, 409, ...) mean it answered. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EACCES",
  "EPERM",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "ENOTFOUND",
]);

export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return statusCode === undefined && typeof code === "string" && CONNECTION_CODES.has(code);
}

export function isNotFound(error: unknown): boolean {
  return !!error && typeof error === "object" && (error as { statusCode?: unknown }).statusCode === 404;
}
