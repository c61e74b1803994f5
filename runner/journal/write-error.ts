import { errorMessage } from "../../github/errors.js";
/** A write under the state dir that did not reach the disk; names the file and, for a full disk, says so. */
export class StateWriteError extends Error {
  override readonly name: string = "StateWriteError";
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const DISK_FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** "the disk is full (ENOSPC)", "the disk reported an I/O error (EIO)", or the error's own message. */
export function describeWriteFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (DISK_FULL.has(code)) return `the disk is full (${code})`;
  if (code === "EIO") return "the disk reported an I/O error (EIO)";
  return errorMessage(error);
}

/** Wraps a failed write of `path` (what: "write" or "append to"), with what was left behind. */
export function stateWriteError(
  path: string,
  error: unknown,
  what: string,
  leftBehind = "",
): StateWriteError {
  const code = (error as NodeJS.ErrnoException).code ?? "EUNKNOWN";
  return new StateWriteError(
    path,
    code,
    `cannot ${what} ${path}: ${describeWriteFailure(error)}${leftBehind ? `; ${leftBehind}` : ""}. Free space under the state dir and run again`,
    { cause: error },
  );
}

/** Runs a write of `path`, turning its failure into a StateWriteError. */
export function writingState<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw error instanceof StateWriteError ? error : stateWriteError(path, error, "write");
  }
}
