/**
 * Which registries the lookups ask, from the operator's own settings, read the way pip and npm read
 * them: `PIP_INDEX_URL`, then `index-url` in pip.conf (`PIP_CONFIG_FILE`, the user's, the global one);
 * `npm_config_registry`, then `registry=` in .npmrc (project files first, then the user's). Only the
 * registry URL is taken from these files; nothing else in them (tokens included) is read.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PUBLIC_REGISTRIES, type RegistryEndpoints } from "./registry-lookup.js";

export interface RegistrySettingsInput {
  env: NodeJS.ProcessEnv;
  /** Home folder for ~/.npmrc and the user's pip.conf. Default: the process's. */
  home?: string;
  /** Project .npmrc files, most specific first (the CLI passes the service folder's and the repository's). */
  projectNpmrc?: string[];
  /** The machine-wide pip.conf files. Default: /etc/xdg/pip/pip.conf, /etc/pip.conf. */
  globalPipFiles?: string[];
  /** File reader; returns null when the file does not exist. */
  read?: (path: string) => string | null;
}

export interface RegistrySettings {
  endpoints: RegistryEndpoints;
  /** Where each URL came from, for the log ("PIP_INDEX_URL", "/home/me/.npmrc", "default"). */
  from: { pypi: string; npm: string };
}

export function registrySettings(input: RegistrySettingsInput): RegistrySettings {
  const env = input.env;
  const home = input.home ?? homedir();
  const read = input.read ?? readIfExists;

  let pypi: { url: string; from: string } | null = null;
  const pipIndex = env.PIP_INDEX_URL ?? env.pip_index_url;
  if (pipIndex) pypi = { url: pipIndex, from: "PIP_INDEX_URL" };
  const xdgConfig = env.XDG_CONFIG_HOME || join(home, ".config");
  const pipFiles = [
    env.PIP_CONFIG_FILE,
    join(xdgConfig, "pip", "pip.conf"),
    join(home, ".pip", "pip.conf"),
    ...(input.globalPipFiles ?? ["/etc/xdg/pip/pip.conf", "/etc/pip.conf"]),
  ].filter((f): f is string => Boolean(f) && f !== "/dev/null");
  for (const file of pipFiles) {
    if (pypi) break;
    const text = read(file);
    const url = text === null ? null : pipIndexUrl(text);
    if (url) pypi = { url, from: file };
  }

  let npm: { url: string; from: string } | null = null;
  const npmRegistry = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  if (npmRegistry) npm = { url: npmRegistry, from: "npm_config_registry" };
  const npmFiles = [...(input.projectNpmrc ?? []), env.NPM_CONFIG_USERCONFIG ?? join(home, ".npmrc")];
  for (const file of npmFiles) {
    if (npm) break;
    const text = read(file);
    const url = text === null ? null : npmrcRegistry(text, env);
    if (url) npm = { url, from: file };
  }

  return {
    endpoints: {
      pypi: pypi ? jsonApiBase(pypi.url) : PUBLIC_REGISTRIES.pypi,
      npm: npm ? npm.url.replace(/\/+$/, "") : PUBLIC_REGISTRIES.npm,
    },
    from: { pypi: pypi?.from ?? "default", npm: npm?.from ?? "default" },
  };
}

/** `index-url` from `[install]` (what `pip install` uses), else from `[global]`. */
export function pipIndexUrl(text: string): string | null {
  const sections = new Map<string, string>();
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      continue;
    }
    const pair = /^(index[-_]url)\s*[=:]\s*(\S+)/i.exec(line);
    if (pair && !sections.has(section)) sections.set(section, pair[2]!);
  }
  return sections.get("install") ?? sections.get("global") ?? null;
}

/** The unscoped `registry=` of an .npmrc, with `${VAR}` expanded as npm does. */
export function npmrcRegistry(text: string, env: NodeJS.ProcessEnv): string | null {
  let found: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*registry\s*=\s*(\S+)\s*$/.exec(raw);
    if (match) found = match[1]!.replace(/^["']|["']$/g, "");
  }
  return found === null
    ? null
    : found.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => env[name] ?? "");
}

/** The PyPI JSON API lives beside the simple index: `https://host/simple/` -> `https://host`. */
export function jsonApiBase(indexUrl: string): string {
  return indexUrl.replace(/\/+$/, "").replace(/\/\+?simple$/, "");
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
