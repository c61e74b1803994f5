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

/**
 * The aliases of a container's network endpoint that name the service rather than this one
 * container (Compose adds the service name, plus the short id (v1) or the container name (v2)).
 */
export function serviceAliases(
  aliases: string[] | null | undefined,
  own: { id: string; name: string },
): string[] {
  const mine = new Set([own.id, own.id.slice(0, 12), own.name]);
  return [...new Set((aliases ?? []).filter((a) => !mine.has(a)))];
}

/**
 * What a new container must be attached with to serve like the old ones: per network of the old
 * container, the service's aliases there. Empty when there is no old container to copy.
 */
export function servingNetworks(
  old: { id: string; name: string; networks: Record<string, string[]> } | null,
): Record<string, string[]> {
  if (!old) return {};
  return Object.fromEntries(
    Object.entries(old.networks).map(([net, aliases]) => [net, serviceAliases(aliases, old)]),
  );
}

/** The networks on which `current` lacks one of the aliases in `wanted` (or is not attached at all). */
export function missingAliases(
  current: Record<string, string[]>,
  wanted: Record<string, string[]>,
): string[] {
  return Object.entries(wanted)
    .filter(([net, aliases]) => !current[net] || aliases.some((a) => !current[net]!.includes(a)))
    .map(([net]) => net);
}
