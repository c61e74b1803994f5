import { open } from "node:fs/promises";
import { UsageError } from "./io.js";

const SNIFF_BYTES = 8192;

/** Magic numbers of the archive and compression formats a downloaded CI log tends to arrive in. */
const COMPRESSED: Array<{ magic: number[]; what: string }> = [
  { magic: [0x1f, 0x8b], what: "gzip-compressed (decompress it first: gunzip -k FILE)" },
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    what: "a zip archive (GitHub's log download is one: extract the job's .txt)",
  },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: "zstd-compressed (decompress it first: zstd -d FILE)" },
  { magic: [0x42, 0x5a, 0x68], what: "bzip2-compressed (decompress it first: bunzip2 -k FILE)" },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: "xz-compressed (decompress it first: xz -dk FILE)" },
];

/**
 * Checks that `path` is a readable, non-empty text log before anything reads it as one, and throws a
 * UsageError (exit 2) that says what is wrong: missing, not a file, unreadable, empty, compressed, binary.
 */
export async function checkLogFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file or directory"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (error as Error).message;
    throw new UsageError(`cannot read log file '${path}': ${why}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`cannot read log file '${path}': not a regular file`);
    if (info.size === 0)
      throw new UsageError(`log file '${path}' is empty (0 bytes): pass the failing build's log`);
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    await handle.read(head, 0, head.length, 0);
    for (const { magic, what } of COMPRESSED) {
      if (magic.every((byte, i) => head[i] === byte))
        throw new UsageError(`log file '${path}' is not a text log: it is ${what.replace("FILE", path)}`);
    }
    if (head.includes(0))
      throw new UsageError(`log file '${path}' is not a text log: it holds NUL bytes (a binary file)`);
  } finally {
    await handle.close();
  }
}
