import { parse as parseYaml } from "yaml";

/** What a compose service declares that decides whether two of its containers can run side by side. */
export interface ServiceShape {
  containerName: string | null;
  /** Port entries that bind a fixed host port, as written (e.g. `127.0.0.1:8080:80`). */
  fixedHostPorts: string[];
  /** Writable mounts: the volume name or host path, and the path in the container. */
  mounts: Array<{ source: string | null; target: string }>;
  /** `stop_grace_period` in whole seconds (Compose's default: 10). */
  stopGraceS: number;
  /** `deploy.update_config`, when the file sets one. */
  updateConfig: { order: string | null; failureAction: string | null; monitorMs: number | null } | null;
}

/**
 * Compose's duration syntax (`1m30s`, `10s`, `500ms`, `1h`, or a bare number of seconds) in ms;
 * null when it is not one.
 */
export function composeDurationMs(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== "string" || !value.trim()) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };
  let total = 0;
  let rest = text;
  while (rest) {
    const match = /^(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/.exec(rest);
    if (!match) return null;
    total += Number(match[1]) * unit[match[2]!]!;
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** A short-syntax or long-syntax port entry that names a host port (two containers cannot both bind it). */
export function bindsFixedHostPort(entry: unknown): boolean {
  if (typeof entry === "number") return false;
  if (typeof entry === "string") {
    const spec = entry.replace(/\/(tcp|udp|sctp)$/, "");
    // `[ip:]host:container`; an IPv6 address is bracketed. The host part may be empty (`ip::80`).
    const parts = spec.replace(/^\[[^\]]*\]:/, "ip:").split(":");
    if (parts.length < 2) return false;
    return parts[parts.length - 2] !== "";
  }
  if (entry && typeof entry === "object") {
    const published = (entry as { published?: unknown }).published;
    return published !== undefined && published !== null && String(published) !== "";
  }
  return false;
}

function mountOf(entry: unknown): { source: string | null; target: string; readOnly: boolean } | null {
  if (typeof entry === "string") {
    const parts = entry.split(":");
    if (parts.length === 1) return { source: null, target: parts[0]!, readOnly: false };
    const mode = parts.length >= 3 ? parts[2]! : "";
    return { source: parts[0]!, target: parts[1]!, readOnly: mode.split(",").includes("ro") };
  }
  if (entry && typeof entry === "object") {
    const def = entry as { source?: unknown; target?: unknown; read_only?: unknown };
    if (typeof def.target !== "string") return null;
    return {
      source: typeof def.source === "string" ? def.source : null,
      target: def.target,
      readOnly: def.read_only === true,
    };
  }
  return null;
}

/** The service as the compose files declare it (later files override earlier keys, as with `-f a -f b`). */
export function readServiceShape(
  files: Array<{ path: string; text: string }>,
  service: string,
): ServiceShape {
  const merged: Record<string, unknown> = {};
  for (const file of files) {
    const doc = parseYaml(file.text) as { services?: Record<string, unknown> } | null;
    const def = doc?.services?.[service];
    if (def && typeof def === "object") Object.assign(merged, def);
  }
  const ports = Array.isArray(merged.ports) ? merged.ports : [];
  const volumes = Array.isArray(merged.volumes) ? merged.volumes : [];
  const deploy = (merged.deploy ?? {}) as { update_config?: Record<string, unknown> };
  const update = deploy.update_config;
  const grace = composeDurationMs(merged.stop_grace_period);
  return {
    containerName: typeof merged.container_name === "string" ? merged.container_name : null,
    fixedHostPorts: ports
      .filter(bindsFixedHostPort)
      .map((p) => (typeof p === "string" ? p : JSON.stringify(p))),
    mounts: volumes
      .map(mountOf)
      .filter((m): m is NonNullable<typeof m> => m !== null && !m.readOnly)
      .map(({ source, target }) => ({ source, target })),
    stopGraceS: grace === null ? 10 : Math.ceil(grace / 1000),
    updateConfig: update
      ? {
          order: typeof update.order === "string" ? update.order : null,
          failureAction: typeof update.failure_action === "string" ? update.failure_action : null,
          monitorMs: composeDurationMs(update.monitor),
        }
      : null,
  };
}
