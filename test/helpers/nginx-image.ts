/**
 * A real nginx image for proxy tests, built without a registry: a Debian bookworm base made with
 * `debootstrap --variant=minbase` and `docker import`, then `apt-get install nginx` from Debian's
 * mirrors. Built once per machine and cached by tag: a later call finds the image and returns at once.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Prefix of the Docker names the zero-downtime tests and bench create (images here, compose projects in
 * test/runner/strategy/proxy-stack.ts): `ZDT_DOCKER_PREFIX`, else `zdt`.
 */
export const ZDT_PREFIX = process.env.ZDT_DOCKER_PREFIX?.trim() || "zdt";
export const DEBIAN_BASE_IMAGE = `${ZDT_PREFIX}-debian:bookworm`;
export const NGINX_IMAGE = `${ZDT_PREFIX}-nginx:bookworm`;

const LOCK = join(tmpdir(), `${ZDT_PREFIX}-nginx-image.lock`);
/** A lock older than this belongs to a build that died; the next caller takes it over. */
const STALE_LOCK_MS = 20 * 60_000;

function imageExists(tag: string): boolean {
  return spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;
}

function sh(argv: string[], input?: Buffer): void {
  const result = spawnSync(argv[0]!, argv.slice(1), {
    input,
    stdio: [input ? "pipe" : "ignore", "pipe", "pipe"],
    maxBuffer: 1 << 30,
  });
  if (result.error) throw new Error(`${argv.join(" ")}: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`${argv.join(" ")} exited ${result.status}:\n${result.stderr.toString().slice(-2000)}`);
}

function asRoot(argv: string[]): string[] {
  return process.getuid?.() === 0 ? argv : ["sudo", "-n", ...argv];
}

function buildBase(): void {
  const root = mkdtempSync(join(tmpdir(), "zdt-debootstrap-"));
  try {
    sh(asRoot(["debootstrap", "--variant=minbase", "bookworm", root, "http://deb.debian.org/debian"]));
    const tar = execFileSync("tar", ["-C", root, "-c", "."], { maxBuffer: 1 << 30 });
    sh(["docker", "import", "-", DEBIAN_BASE_IMAGE], tar);
  } finally {
    spawnSync(asRoot(["rm", "-rf", root])[0]!, asRoot(["rm", "-rf", root]).slice(1));
  }
}

function buildNginx(): void {
  const context = mkdtempSync(join(tmpdir(), "zdt-nginx-"));
  try {
    writeFileSync(
      join(context, "Dockerfile"),
      [
        `FROM ${DEBIAN_BASE_IMAGE}`,
        "RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx" +
          " && rm -rf /var/lib/apt/lists/* && rm -f /etc/nginx/sites-enabled/default",
        'CMD ["nginx", "-g", "daemon off;"]',
        "",
      ].join("\n"),
    );
    sh(["docker", "build", "-q", "-t", NGINX_IMAGE, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

async function takeLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile: try again
      }
      await sleep(1_000);
    }
  }
}

/** The nginx image's tag, building it (and its Debian base) first when this engine does not have it. */
export async function ensureNginxImage(): Promise<string> {
  if (imageExists(NGINX_IMAGE)) return NGINX_IMAGE;
  const release = await takeLock();
  try {
    if (imageExists(NGINX_IMAGE)) return NGINX_IMAGE;
    if (!imageExists(DEBIAN_BASE_IMAGE)) buildBase();
    buildNginx();
    return NGINX_IMAGE;
  } finally {
    release();
  }
}
