/**
 * The app and the runner as a user starts them, each its own process with env only: `node
 * dist/src/server.js` (what `npm start` runs) and `node bin/orchestrator-runner.js start`. Both log JSON
 * lines on stdout, which the tests read to know when a process is ready.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "./wait.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface LogLine {
  msg: string;
  level: number;
  [key: string]: unknown;
}

export interface OwnProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The JSON lines of stdout so far (other lines skipped). */
  lines(): LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for a log line whose msg matches; fails naming the process and its output. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then waits for the exit (SIGKILL after the deadline, and the test fails). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run build`: the processes run the compiled entry points, so they must be current. */
export async function buildDist(): Promise<void> {
  await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
}

/** Follows a spawned process's output and exit (for entry points other than the two below). */
export function ownProcess(name: string, child: ChildProcess): OwnProcess {
  return own(name, child);
}

function own(name: string, child: ChildProcess): OwnProcess {
  let stdout = "";
  let all = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    all += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => (all += chunk.toString()));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const lines = (): LogLine[] =>
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  return {
    child,
    output: () => all,
    lines,
    exited,
    async waitForLine(pattern, timeoutMs = 30_000) {
      return waitFor(
        () => {
          if (exit) throw new Error(`${name} exited (${JSON.stringify(exit)}):\n${all.slice(-4000)}`);
          return lines().find((l) => pattern.test(l.msg)) ?? null;
        },
        { timeoutMs, what: () => `${name} to log ${String(pattern)}; output so far:\n${all.slice(-4000)}` },
      );
    },
    async stop(timeoutMs = 20_000) {
      if (exit) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

export interface AppEnv {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  gheHost: string;
  port: number;
  /** Where the app checks that a proposed Python package exists and is old enough. */
  pipIndexUrl: string;
}

/** The app: `node dist/src/server.js`, Probot's env only. */
export function startApp(env: AppEnv): OwnProcess {
  const child = spawn(process.execPath, ["dist/src/server.js"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_ID: String(env.appId),
      PRIVATE_KEY: env.privateKey,
      WEBHOOK_SECRET: env.webhookSecret,
      GHE_HOST: env.gheHost,
      GHE_PROTOCOL: "http",
      PORT: String(env.port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      PIP_INDEX_URL: env.pipIndexUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return own("the app", child);
}

/** The runner: `node bin/orchestrator-runner.js start`, env only (README "run the runner"). */
export function startRunner(env: NodeJS.ProcessEnv): OwnProcess {
  const child = spawn(process.execPath, ["bin/orchestrator-runner.js", "start"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return own("the runner", child);
}
