/** Where the Docker engine is, from `DOCKER_HOST` (pure: both Docker clients of the runner read it here). */

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

export type DockerHost =
  { kind: "unix"; socketPath: string } | { kind: "tcp"; host: string; port: number; tls: boolean };

/**
 * `DOCKER_HOST` unset or `unix:///path`: a socket; `tcp://`, `http://`, `https://` (or a bare host:port):
 * TCP, with TLS for https, `DOCKER_TLS_VERIFY=1` or port 2376. Anything else throws naming the value.
 */
export function dockerHostFromEnv(env: NodeJS.ProcessEnv): DockerHost {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { kind: "unix", socketPath: DEFAULT_DOCKER_SOCKET };
  if (host.startsWith("unix://"))
    return { kind: "unix", socketPath: host.slice("unix://".length) || DEFAULT_DOCKER_SOCKET };
  let url: URL;
  try {
    url = new URL(host.includes("://") ? host : `tcp://${host}`);
  } catch {
    throw new Error(`DOCKER_HOST '${host}' is not a valid address (use unix:///path or tcp://host:port)`);
  }
  if (url.protocol !== "tcp:" && url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`DOCKER_HOST '${host}': the runner supports unix://, tcp://, http:// and https:// only`);
  }
  const tls = url.protocol === "https:" || env.DOCKER_TLS_VERIFY === "1" || url.port === "2376";
  return {
    kind: "tcp",
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || (tls ? 2376 : 2375)),
    tls,
  };
}
