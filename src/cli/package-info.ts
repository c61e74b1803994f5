import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This package's package.json, found upwards from this file (src/ under tsx, dist/src/ when built). */
export function packageInfo(from = dirname(fileURLToPath(import.meta.url))): {
  name: string;
  version: string;
} {
  let dir = from;
  for (;;) {
    const path = join(dir, "package.json");
    if (existsSync(path)) {
      const json = JSON.parse(readFileSync(path, "utf8")) as { name?: string; version?: string };
      if (json.name && json.version) return { name: json.name, version: json.version };
    }
    const parent = dirname(dir);
    if (parent === dir) return { name: "compose-orchestrator", version: "unknown" };
    dir = parent;
  }
}
