/** Binary and compressed input is refused with a clear error instead of being read as text. */

export class BinaryLogError extends Error {
  override readonly name = "BinaryLogError";
}

const SNIFF_BYTES = 8192;

/** Why `head` (the first bytes of a log) is not a text log, or null when it looks like text. */
export function binaryReason(head: Uint8Array): string | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)
    return "it is gzip-compressed (decompress it first, e.g. gunzip)";
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05))
    return "it is a zip archive (GitHub's log download is a zip: extract the job's .txt first)";
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
    return "it is zstd-compressed (decompress it first)";
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68)
    return "it is bzip2-compressed (decompress it first)";
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58)
    return "it is xz-compressed (decompress it first)";
  const sniff = head.subarray(0, SNIFF_BYTES);
  if (sniff.includes(0)) return "it holds NUL bytes: a binary file, not a text log";
  return null;
}

export function assertTextLog(head: Uint8Array, name: string): void {
  const reason = binaryReason(head);
  if (reason) throw new BinaryLogError(`${name} is not a text log: ${reason}`);
}
