/**
 * Debian's `docker-registry` (distribution) run for one test file on loopback, with its own config
 * and storage in a temp folder (never the system service). The engine trusts 127.0.0.0/8 registries
 * without TLS, so `docker push 127.0.0.1:<port>/...` works as is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ImageRegistry {
  /** `127.0.0.1:<port>`: what `swarm.registry` names. */
  host: string;
  stop(): Promise<void>;
}

export async function startImageRegistry(port: number): Promise<ImageRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "orchsw-registry-"));
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: warn",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const host = `127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const answer = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > until) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not answer on ${host}: ${stderr.slice(-500)}`);
    }
    await sleep(100);
  }
  return {
    host,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
