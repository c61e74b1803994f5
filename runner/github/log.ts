/** The slice of pino the GitHub side logs through (pino's Logger satisfies it; tests capture it). */
export interface RunnerLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
