/**
 * A private Docker daemon for tests that stop and start the engine: its own socket, data root, exec
 * root (and so its own containerd), pidfile and address pool, its own default bridge and no iptables
 * rules, so the machine's shared daemon and everyone's containers on it are never touched.
 *
 * Never `--bridge=none`: a daemon started that way deletes the `docker0` interface at start-up, which
 * takes the shared daemon's default network away from every other test on the machine. Even with a
 * bridge of its own, dockerd deletes `docker0` when it starts again on the same data root (seen with
 * Debian's docker.io 20.10); so the helper puts `docker0` back, with its address, after every start, and
 * the suite that uses this helper runs alone, after the others (vitest.isolated.config.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

export interface SecondDockerd {
  /** `unix://...` for DOCKER_HOST. */
  host: string;
  socketPath: string;
  logFile: string;
  client(): Docker;
  running(): boolean;
  start(): Promise<void>;
  /** SIGTERM and wait for the daemon to exit (its containers stop with it). */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

async function until(what: string, deadlineMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} within ${deadlineMs} ms`);
}

/** Runs `ip ...`; throws with its stderr when it fails. */
function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`ip ${args.join(" ")} failed: ${(result.stderr || result.error?.message || "").trim()}`);
}

/** The shared daemon's default bridge and its IPv4 address (e.g. 172.17.0.1/16), or null when absent. */
function docker0Address(): string | null {
  const result = spawnSync("ip", ["-4", "-o", "addr", "show", "dev", "docker0"], { encoding: "utf8" });
  if (result.status !== 0) return null;
  return /\binet (\S+)/.exec(result.stdout)?.[1] ?? null;
}

/** Puts `docker0` back as it was when a second daemon took it away. */
function restoreDocker0(address: string | null): void {
  if (!address || docker0Address() !== null) return;
  spawnSync("ip", ["link", "delete", "docker0"], { stdio: "ignore" });
  ip("link", "add", "name", "docker0", "type", "bridge");
  ip("addr", "add", address, "dev", "docker0");
  ip("link", "set", "docker0", "up");
}

/** A bridge interface of the second daemon's own (dockerd needs `--bridge` to name an existing one). */
function createBridge(bridge: string, address: string): void {
  spawnSync("ip", ["link", "delete", bridge], { stdio: "ignore" });
  ip("link", "add", "name", bridge, "type", "bridge");
  ip("addr", "add", address, "dev", bridge);
  ip("link", "set", bridge, "up");
}

export async function createSecondDockerd(name: string, poolBase = "10.213.0.0/16"): Promise<SecondDockerd> {
  if (spawnSync("dockerd", ["--version"], { stdio: "ignore" }).status !== 0)
    throw new Error("dockerd is not installed: a second daemon cannot be started for this test");
  // Interface names are at most 15 characters.
  const bridge = `orchbr${process.pid % 100_000}`;
  createBridge(bridge, "10.214.0.1/24");
  const sharedBridge = docker0Address();
  const root = mkdtempSync(join(tmpdir(), `orch-dockerd-${name}-`));
  const socketPath = join(root, "docker.sock");
  const logFile = join(root, "dockerd.log");
  const args = [
    "--host",
    `unix://${socketPath}`,
    "--data-root",
    join(root, "data"),
    "--exec-root",
    join(root, "exec"),
    "--pidfile",
    join(root, "docker.pid"),
    `--bridge=${bridge}`,
    "--iptables=false",
    "--ip6tables=false",
    "--ip-masq=false",
    "--default-address-pool",
    `base=${poolBase},size=24`,
  ];
  let child: ChildProcess | null = null;
  const client = () => new Docker({ socketPath });
  const ping = () =>
    client()
      .ping()
      .then(() => true)
      .catch(() => false);

  const daemon: SecondDockerd = {
    host: `unix://${socketPath}`,
    socketPath,
    logFile,
    client,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      if (daemon.running()) return;
      const log = openSync(logFile, "a");
      const started = spawn("dockerd", args, { stdio: ["ignore", log, log] });
      child = started;
      const exited = new Promise<void>((resolve) => started.once("exit", () => resolve()));
      await until("the second dockerd did not answer", 60_000, async () => {
        if (started.exitCode !== null) {
          await exited;
          throw new Error(
            `the second dockerd exited ${started.exitCode}: ${readFileSync(logFile, "utf8").slice(-800)}`,
          );
        }
        return ping();
      });
      restoreDocker0(sharedBridge);
    },
    async stop() {
      const running = child;
      if (!running || !daemon.running()) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
    async cleanup() {
      await daemon.stop();
      // Anything the daemon left mounted under its root must go before the folder can.
      const mounts = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[1] ?? "")
        .filter((point) => point.startsWith(root))
        .sort((a, b) => b.length - a.length);
      for (const point of mounts) spawnSync("umount", ["-l", point], { stdio: "ignore" });
      rmSync(root, { recursive: true, force: true });
      spawnSync("ip", ["link", "delete", bridge], { stdio: "ignore" });
      restoreDocker0(sharedBridge);
    },
  };
  await daemon.start();
  return daemon;
}
