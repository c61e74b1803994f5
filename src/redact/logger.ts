import { pino, type DestinationStream, type Logger } from "pino";
import { redact } from "./redactor.js";

/**
 * A JSON-lines pino logger whose every line passes through the redactor before it is written, so
 * neither the app nor the runner can log a token, a PEM or a secret env value.
 */
export function redactedLogger(options: {
  /** Omit when the library adds its own `name` to child loggers (Probot does). */
  name?: string;
  level?: string | undefined;
  destination?: { write(line: string): unknown };
}): Logger {
  return pino(
    {
      ...(options.name ? { name: options.name } : {}),
      level: options.level?.trim() || "info",
      hooks: { streamWrite: (line) => redact(line) },
    },
    (options.destination ?? process.stdout) as DestinationStream,
  );
}
