/** `RUNNER_STATUS_PORT`: the loopback status API's port, or null when unset. */
import { RunnerConfigError } from "../github/runner-env.js";

export { RunnerConfigError };

export function statusPortFrom(text: string | undefined): number | null {
  const value = text?.trim();
  if (!value) return null;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new RunnerConfigError(`RUNNER_STATUS_PORT must be a port number 1-65535, got '${value}'`);
  return port;
}
