/** Colour and cursor escapes (CSI) and OSC sequences such as hyperlinks. */
export const ANSI_PATTERN = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

const ACTIONS_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;
const ACTIONS_COMMAND = /^##\[(?:error|warning|notice|debug|group|endgroup)\]/;
/** BuildKit plain progress: `#12 3.544 ` before a step's output; docker's error box shows `3.544 ` alone. */
const BUILDKIT_PREFIX = /^(?:#\d+ \d+\.\d+ |\d+\.\d{3} )/;
/** `docker compose up` / `logs`: `api-1  | `, `api_1  | ` or a container name `flock  | `. */
const COMPOSE_PREFIX = /^([a-z0-9][a-z0-9_.-]*?)(?:[-_]\d+)? +\| ?/;

export interface NormalizedLine {
  text: string;
  /** The compose service (or container) a `docker compose` log prefix names, if any. */
  composeService: string | null;
}

/**
 * Strips what CI and compose put around a line so that diagnosers see what the program printed: trailing
 * `\r`, ANSI escapes, the GitHub Actions timestamp and `##[error]` markers, BuildKit step prefixes and
 * the compose service prefix (returned separately: it is a service hint).
 */
export function normalizeLine(raw: string): NormalizedLine {
  let text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (text.includes("\x1b")) text = text.replace(ANSI_PATTERN, "");
  text = text.replace(ACTIONS_TIMESTAMP, "").replace(ACTIONS_COMMAND, "").replace(BUILDKIT_PREFIX, "");
  let composeService: string | null = null;
  const compose = COMPOSE_PREFIX.exec(text);
  if (compose) {
    composeService = compose[1]!;
    text = text.slice(compose[0].length);
  }
  return { text: text.trimEnd(), composeService };
}
