/**
 * Docker multiplexes stdout and stderr of a non-TTY container into frames: 1 byte stream type, 3 zero
 * bytes, a 4-byte big-endian length, then the payload. A TTY container's log is the raw text.
 */
export function demuxDockerLogs(buffer: Buffer): string {
  const looksFramed =
    buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!looksFramed) return buffer.toString("utf8");
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    const end = Math.min(offset + 8 + length, buffer.length);
    parts.push(buffer.subarray(offset + 8, end));
    offset = end;
  }
  return Buffer.concat(parts).toString("utf8");
}
