/**
 * The app as `npm start` runs it: `node dist/src/server.js` in its own process, configured by its
 * environment only. The suites that use it need `npm run build` first (they fail, naming it, when the
 * build is missing or older than the sources it must contain).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVER_ENTRY = join(ROOT, "dist/src/server.js");

/** Throws unless dist/ holds a build at least as new as src/server.ts and what it wires in. */
export function requireBuiltServer(): void {
  if (!existsSync(SERVER_ENTRY))
    throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` before the security suites`);
  const built = statSync(SERVER_ENTRY).mtimeMs;
  const sources = [
    join(ROOT, "src/server.ts"),
    ...["src/webhook", "src/redact"].flatMap((dir) =>
      readdirSync(join(ROOT, dir)).map((name) => join(ROOT, dir, name)),
    ),
  ];
  const newer = sources.filter((file) => statSync(file).mtimeMs > built);
  if (newer.length > 0)
    throw new Error(
      `dist/ is older than ${newer.map((f) => f.slice(ROOT.length + 1)).join(", ")}: run \`npm run build\``,
    );
}

let key: string | undefined;
/** An RSA key in PEM form, generated once per file: the App's PRIVATE_KEY. */
export function appPrivateKey(): string {
  key ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  }).privateKey;
  return key;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** The exit code once the process has ended (null for a signal). */
  exited: Promise<number | null>;
  /** Waits until `test` holds for the output so far, or fails after `timeoutMs`. */
  waitForOutput(test: (stdout: string) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns the server with `env` and PATH, nothing else, in a fresh working directory that holds only
 * `files` (no .env unless given).
 */
export async function spawnServer(
  env: NodeJS.ProcessEnv,
  files: Record<string, string> = {},
): Promise<ServerProcess> {
  requireBuiltServer();
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "orchestrator-server-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: "test", HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding("utf8").on("data", (c: string) => ((out += c), changed()));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => ((err += c), changed()));
  const exited = new Promise<number | null>((done) =>
    child.once("exit", (code) => {
      rmSync(cwd, { recursive: true, force: true });
      changed();
      done(code);
    }),
  );
  return {
    child,
    port,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (test, timeoutMs) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (test(out)) finish(null);
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(
              new Error(
                `the server exited (${child.exitCode ?? child.signalCode}); stderr: ${err}; stdout: ${out}`,
              ),
            );
        };
        const timer = setTimeout(
          () =>
            finish(new Error(`no expected output within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)),
          timeoutMs,
        );
        const finish = (error: Error | null) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) fail(error);
          else done();
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Spawns the server and waits until it answers Probot's GET /ping. */
export async function startListeningServer(
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const server = await spawnServer(env);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${server.port}/ping`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return server;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server did not come up; stdout: ${server.stdout()}; stderr: ${server.stderr()}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]) * 1024;
  };
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}
