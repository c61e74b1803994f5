import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SmallDisk {
  /** How the disk was made: "tmpfs" or "ext4 loop image". */
  kind: string;
  /** Bytes the state dir can still take. */
  free(): number;
  /** Fills the disk until about `leave` bytes are free (one filler file); returns its path. */
  fill(leave: number): string;
  unmount(): void;
}

/**
 * Mounts a tiny filesystem at `dir` (root only): a 512 KiB tmpfs, or, where tmpfs cannot be mounted,
 * a loop-mounted 2 MiB ext4 image. Throws with both reasons when neither works.
 */
export function mountSmallDisk(dir: string, scratch: string): SmallDisk {
  mkdirSync(dir, { recursive: true });
  let kind = "tmpfs";
  const tmpfs = spawnSync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", dir], { encoding: "utf8" });
  if (tmpfs.status !== 0) {
    const image = join(scratch, "disk.img");
    kind = "ext4 loop image";
    try {
      execFileSync("truncate", ["-s", "2M", image]);
      execFileSync("mkfs.ext4", ["-q", "-F", image], { stdio: "pipe" });
      execFileSync("mount", ["-o", "loop", image, dir], { stdio: "pipe" });
    } catch (error) {
      throw new Error(
        `cannot mount a small disk at ${dir}: tmpfs: ${tmpfs.stderr.trim() || tmpfs.error?.message}; loop ext4: ${(error as Error).message}`,
      );
    }
  }
  const free = () => {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    kind,
    free,
    fill(leave) {
      const path = join(dir, "filler.bin");
      writeFileSync(path, Buffer.alloc(Math.max(0, free() - leave)));
      return path;
    },
    unmount() {
      spawnSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
