/**
 * A log that can be read from an offset (an HTTP range, a seekable file): `diagnoseLog` asks it for its
 * last `maxBytes` instead of reading it from the start, since the fatal error of a build is at its end.
 */
export interface TailReadable {
  readTail(maxBytes: number): Promise<TailRead>;
}

export interface TailRead {
  chunks: AsyncIterable<Buffer | string>;
  /** Bytes of the log before `chunks` (0 when the whole log is there). */
  skipBytes: number;
  /** The whole log's size, when known. */
  totalBytes?: number;
  /** `chunks` starts in the middle of a line: its first partial line is dropped. */
  startsMidLine: boolean;
}

export function isTailReadable(input: unknown): input is TailReadable {
  return (
    typeof input === "object" &&
    input !== null &&
    typeof (input as Partial<TailReadable>).readTail === "function"
  );
}
