import { pino, type DestinationStream, type Logger } from "pino";
import { redactor as processRedactor, type Redactor } from "./redactor.js";

/** What the logger needs of a redactor. */
export type TextRedactor = Pick<Redactor, "redact" | "redactDeep">;

/**
 * A JSON-lines pino logger that redacts every value before it is serialized: the message and its
 * format arguments (`hooks.logMethod`), the merged object and errors (`formatters.log`), and child
 * bindings (`formatters.bindings`). Redacting before JSON escaping means a secret containing `"`, `\`
 * or a tab cannot slip through as its escaped form; the finished line is redacted once more, for
 * anything a serializer produced afterwards.
 */
export function redactedLogger(options: {
  /** Omit when the library adds its own `name` to child loggers (Probot does). */
  name?: string;
  level?: string | undefined;
  destination?: { write(line: string): unknown };
  /** The entry point's redactor; defaults to the process's (`useProcessRedactor`). */
  redactor?: TextRedactor;
}): Logger {
  const r = options.redactor ?? processRedactor;
  return pino(
    {
      ...(options.name ? { name: options.name } : {}),
      level: options.level?.trim() || "info",
      formatters: {
        log: (object) => r.redactDeep(object),
        bindings: (bindings) => r.redactDeep(bindings),
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((arg: unknown) =>
            typeof arg === "string" || arg instanceof Error ? r.redactDeep(arg) : arg,
          ) as Parameters<typeof method>;
          return method.apply(this, clean);
        },
        streamWrite: (line) => r.redact(line),
      },
    },
    (options.destination ?? process.stdout) as DestinationStream,
  );
}
