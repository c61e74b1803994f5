/** Pure helpers of the start-first switch: which container is new, and where its health URL points. */

export interface Replica {
  id: string;
  name: string;
  running: boolean;
  /** Seconds since the epoch (Docker's `Created`). */
  created: number;
}

/** Containers of the service that were not there before the scale-up, newest first. */
export function newReplicas(before: string[], now: Replica[]): Replica[] {
  const old = new Set(before);
  return now.filter((r) => !old.has(r.id)).sort((a, b) => b.created - a.created);
}

/**
 * The health URL pointed at one container: its host is replaced by the container's address on the
 * compose network (the URL names the port inside the container; no port means 80 / 443).
 */
export function containerHealthUrl(url: string, address: string): string {
  const parsed = new URL(url);
  parsed.hostname = address.includes(":") ? `[${address}]` : address;
  return parsed.toString();
}

/** The address to probe among a container's networks: the project's default network first. */
export function pickAddress(
  project: string,
  networks: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }>,
): string | null {
  const names = Object.keys(networks).sort(
    (a, b) => Number(b === `${project}_default`) - Number(a === `${project}_default`),
  );
  for (const name of names) {
    const net = networks[name]!;
    if (net.IPAddress) return net.IPAddress;
    if (net.GlobalIPv6Address) return net.GlobalIPv6Address;
  }
  return null;
}
