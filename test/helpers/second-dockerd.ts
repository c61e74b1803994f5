/**
 * A private Docker daemon for tests that stop and start the engine: its own socket, data root, exec
 * root (and so its own containerd), pidfile and address pool, no default bridge and no iptables rules,
 * so the machine's shared daemon and everyone's containers on it are never touched.
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

export async function createSecondDockerd(name: string, poolBase = "10.213.0.0/16"): Promise<SecondDockerd> {
  if (spawnSync("dockerd", ["--version"], { stdio: "ignore" }).status !== 0)
    throw new Error("dockerd is not installed: a second daemon cannot be started for this test");
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
    "--bridge=none",
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
    },
  };
  await daemon.start();
  return daemon;
}
