/**
 * `/ready`: the runner can do its work. Each check answers null (fine) or the reason it is not; the
 * route answers 503 with every reason. Docker reachable, the workspace usable, the state dir writable,
 * and under `start` GitHub reachable (the last poll pass went through).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorMessage } from "../../github/errors.js";

export interface ReadyCheck {
  name: string;
  check(): Promise<string | null>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason: string | null }>;
  reasons: string[];
}

export async function readiness(checks: ReadyCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return [c.name, await c.check()] as const;
      } catch (error) {
        return [c.name, errorMessage(error)] as const;
      }
    }),
  );
  const out: Readiness = { ready: true, checks: {}, reasons: [] };
  for (const [name, reason] of results) {
    out.checks[name] = { ok: reason === null, reason };
    if (reason !== null) {
      out.ready = false;
      out.reasons.push(`${name}: ${reason}`);
    }
  }
  return out;
}

export function dockerCheck(docker: { ping(): Promise<void> }): ReadyCheck {
  return {
    name: "docker",
    async check() {
      try {
        await docker.ping();
        return null;
      } catch (error) {
        return errorMessage(error);
      }
    },
  };
}

/** The workspace is a readable folder with the config file; the state dir can be written. */
export function workspaceCheck(workspace: string, stateDir: string, configPath: string): ReadyCheck {
  return {
    name: "workspace",
    async check() {
      try {
        if (!statSync(workspace).isDirectory()) return `${workspace} is not a folder`;
      } catch {
        return `workspace ${workspace} does not exist`;
      }
      try {
        accessSync(workspace, constants.R_OK | constants.X_OK);
      } catch {
        return `workspace ${workspace} cannot be read`;
      }
      if (!existsSync(join(workspace, configPath))) return `no ${configPath} in ${workspace}`;
      try {
        mkdirSync(stateDir, { recursive: true });
        accessSync(stateDir, constants.W_OK);
      } catch (error) {
        return `state dir ${stateDir} cannot be written: ${errorMessage(error)}`;
      }
      return null;
    },
  };
}

/** Under `start`: GitHub answered the last poll pass. */
export function githubCheck(health: {
  lastPassAt: string | null;
  failures: number;
  lastError: string | null;
}): ReadyCheck {
  return {
    name: "github",
    async check() {
      if (health.failures > 0)
        return `the last ${health.failures} poll pass(es) failed: ${health.lastError ?? "unknown error"}`;
      if (health.lastPassAt === null) return "no poll pass has reached GitHub yet";
      return null;
    },
  };
}
