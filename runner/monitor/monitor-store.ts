/**
 * The monitor's records on disk: `<state dir>/monitor/services.json`, written beside and renamed over
 * (a reader never sees half a file), so counters, circuits and open incidents survive a restart.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EMPTY_RECORD, type ServiceRecord } from "./service-record.js";

const VERSION = 1;

export function monitorStatePath(stateDir: string): string {
  return join(stateDir, "monitor", "services.json");
}

/** The saved records; an absent file is empty, an unreadable or foreign one is reported and ignored. */
export function loadRecords(
  stateDir: string,
  warn: (message: string) => void = () => {},
): Record<string, ServiceRecord> {
  const path = monitorStatePath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      warn(`cannot read ${path} (${(error as Error).message}); the monitor starts its counters again`);
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; services?: unknown };
    if (parsed.version !== VERSION || !parsed.services || typeof parsed.services !== "object")
      throw new Error(`not a version ${VERSION} monitor state`);
    const records: Record<string, ServiceRecord> = {};
    for (const [name, value] of Object.entries(parsed.services as Record<string, Partial<ServiceRecord>>))
      records[name] = { ...EMPTY_RECORD, ...value, circuit: { ...EMPTY_RECORD.circuit, ...value.circuit } };
    return records;
  } catch (error) {
    warn(`ignoring ${path}: ${(error as Error).message}; the monitor starts its counters again`);
    return {};
  }
}

export function saveRecords(stateDir: string, records: Record<string, ServiceRecord>): void {
  const path = monitorStatePath(stateDir);
  mkdirSync(join(stateDir, "monitor"), { recursive: true });
  const next = `${path}.next`;
  writeFileSync(next, `${JSON.stringify({ version: VERSION, services: records }, null, 2)}\n`);
  renameSync(next, path);
}
