/**
 * A fast rollback path: the running container's own create options, taken from `docker inspect`
 * before `up` replaces it, so a rollback can boot exactly that container again through the API
 * (about 100 ms) instead of starting Compose (often a second before it does anything). Kept in
 * memory only: the options hold the container's environment, which may hold secrets.
 */
import type Docker from "dockerode";

export interface ContainerSnapshot {
  /** The container's name (`proj_web_1`), which the restored container takes again. */
  name: string;
  imageId: string;
  /** Create options, with the first network in it (the API takes one network at create). */
  create: Docker.ContainerCreateOptions;
  /** Further networks to connect before start: name -> endpoint settings. */
  extraNetworks: Record<string, Docker.EndpointSettings>;
}

interface InspectForSnapshot {
  Id?: string;
  Name?: string;
  Image?: string;
  Config?: Record<string, unknown> & { Hostname?: string };
  HostConfig?: Record<string, unknown>;
  Mounts?: Array<{ Type?: string; Name?: string }>;
  NetworkSettings?: {
    Networks?: Record<string, { Aliases?: string[] | null; Links?: string[] | null; IPAMConfig?: unknown }>;
  };
}

const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

/**
 * The snapshot of one inspected container, or why it cannot be restored this way (then the rollback
 * goes through Compose, which knows how to carry anonymous volumes over).
 */
export function snapshotFromInspect(
  inspect: InspectForSnapshot,
): { ok: true; snapshot: ContainerSnapshot } | { ok: false; why: string } {
  const id = inspect.Id ?? "";
  const name = (inspect.Name ?? "").replace(/^\//, "");
  if (!id || !name || !inspect.Image || !inspect.Config || !inspect.HostConfig)
    return { ok: false, why: "the inspect data lacks the id, name, image or config" };
  const anonymous = (inspect.Mounts ?? []).filter(
    (m) => m.Type === "volume" && ANONYMOUS_VOLUME.test(m.Name ?? ""),
  );
  if (anonymous.length > 0)
    return {
      ok: false,
      why: `the container has ${anonymous.length} anonymous volume(s) Compose must carry over`,
    };

  const config: Record<string, unknown> = { ...inspect.Config, Image: inspect.Image };
  // Docker's default hostname is the short container id; let the new container get its own.
  if (typeof config.Hostname === "string" && id.startsWith(config.Hostname)) delete config.Hostname;

  const endpoints = Object.entries(inspect.NetworkSettings?.Networks ?? {}).map(
    ([network, settings]) =>
      [
        network,
        {
          // The short-id alias Docker adds belongs to the old container.
          Aliases: (settings.Aliases ?? []).filter((alias) => !id.startsWith(alias)),
          ...(settings.Links ? { Links: settings.Links } : {}),
          ...(settings.IPAMConfig ? { IPAMConfig: settings.IPAMConfig } : {}),
        } as Docker.EndpointSettings,
      ] as const,
  );
  const [first, ...rest] = endpoints;
  return {
    ok: true,
    snapshot: {
      name,
      imageId: inspect.Image,
      create: {
        ...(config as Docker.ContainerCreateOptions),
        name,
        HostConfig: inspect.HostConfig as Docker.HostConfig,
        ...(first ? { NetworkingConfig: { EndpointsConfig: { [first[0]]: first[1] } } } : {}),
      },
      extraNetworks: Object.fromEntries(rest),
    },
  };
}
