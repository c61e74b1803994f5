/** Where a CLI command writes; tests pass in-memory sinks. */
export interface CliIo {
  /** `isTTY` / `columns` as on process.stdout: live progress redraws a line only on a terminal. */
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

/** A usage or input error: printed as `orchestrator: <message>`, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
