/** Where a CLI command writes; tests pass in-memory sinks. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A usage or input error: printed as `orchestrator: <message>`, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
