import { open } from "node:fs/promises";
import { detectComposeFlavor } from "../../../runner/compose/detect.js";
import { createDockerOps } from "../../../runner/docker/docker-ops.js";
import { run } from "../../../runner/process/run.js";
import type { ComposeFlavor } from "../../../runner/compose/argv.js";

export type DockerReadiness =
  { ok: true; flavor: ComposeFlavor; busybox: string; endpoint: string } | { ok: false; reason: string };

const BUSYBOX_PLACES = ["/usr/bin/busybox", "/bin/busybox", "/usr/local/bin/busybox"];

/**
 * Whether the deploy half can run here: an engine that answers, a Compose CLI, and a static busybox
 * (the offline base image is FROM scratch, so a dynamically linked busybox would not start in it).
 */
export async function dockerReadiness(env: NodeJS.ProcessEnv, busybox?: string): Promise<DockerReadiness> {
  const docker = createDockerOps(env);
  try {
    await docker.ping();
  } catch (error) {
    return {
      ok: false,
      reason: `no Docker engine answers at ${docker.endpoint} (${(error as Error).message})`,
    };
  }
  let flavor: ComposeFlavor;
  try {
    flavor = await detectComposeFlavor(env);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const probe = await run(
    flavor === "v2" ? ["docker", "compose", "version"] : ["docker-compose", "version"],
    {
      env,
    },
  );
  if (probe.exitCode !== 0)
    return { ok: false, reason: "neither `docker compose` (v2 plugin) nor `docker-compose` (v1) works here" };
  const found = busybox ? [busybox] : BUSYBOX_PLACES;
  const problems: string[] = [];
  for (const path of found) {
    const linkage = await elfLinkage(path);
    if (linkage === "static") return { ok: true, flavor, busybox: path, endpoint: docker.endpoint };
    problems.push(`${path}: ${linkage}`);
  }
  return {
    ok: false,
    reason: `the offline base image needs a statically linked busybox (Debian/Ubuntu: apt-get install busybox-static; or pass --busybox PATH); ${problems.join("; ")}`,
  };
}

/** "static", "dynamic" (has an ELF interpreter), or why the file is not usable. */
export async function elfLinkage(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch {
    return "not found";
  }
  try {
    const head = Buffer.alloc(64);
    await handle.read(head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) return "not an ELF executable";
    if (head[4] !== 2 || head[5] !== 1) return "not a 64-bit little-endian ELF executable";
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    await handle.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return "dynamically linked";
    return "static";
  } finally {
    await handle.close();
  }
}
