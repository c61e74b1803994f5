import { constants } from "node:fs";
import { mkdir, open, realpath } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { linkedSegment } from "./local-reader.js";

/**
 * Writes `text` to the repository path `relative` below `root`, and never anywhere else: the path must be
 * relative without '..', no existing segment may be a symlink (checked with lstat one segment at a time),
 * the real path of the target's folder must be inside the real root, and the file itself is opened with
 * O_NOFOLLOW, so a link planted at the last moment fails the write instead of redirecting it.
 */
export async function writeInsideRepo(root: string, relative: string, text: string): Promise<void> {
  const segments = relative.split("/");
  if (
    relative === "" ||
    relative.startsWith("/") ||
    relative.includes("\\") ||
    relative.includes("\0") ||
    segments.some((s) => s === ".." || s === "." || s === "")
  ) {
    throw new Error(`refusing to write '${relative}': not a normalised path relative to the repository`);
  }
  const linked = await linkedSegment(root, relative);
  if (linked !== null)
    throw new Error(
      `refusing to write '${relative}': ${linked} is a symlink, and fixes never write through one`,
    );

  const target = join(root, relative);
  await mkdir(dirname(target), { recursive: true });
  const realRoot = await realpath(root);
  const realParent = await realpath(dirname(target));
  if (realParent !== realRoot && !realParent.startsWith(`${realRoot}${sep}`)) {
    throw new Error(
      `refusing to write '${relative}': its folder resolves to ${realParent}, outside ${realRoot}`,
    );
  }
  let handle;
  try {
    handle = await open(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP")
      throw new Error(`refusing to write '${relative}': it is a symlink, and fixes never write through one`);
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}
