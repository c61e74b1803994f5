/**
 * Ctrl-C during `orchestrator demo`: the real process (bin/orchestrator.js) on the real engine gets
 * SIGINT in the middle of a deploy, stops, removes its compose project and its temporary folder, says
 * what it removed, and exits 130.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { beforeAll, expect, it } from "vitest";
import { describeDocker } from "../../helpers/docker.js";
import { freePort } from "../../runner/stack.js";
import { buildDist, ROOT } from "../build-dist.js";

const T = 300_000;

beforeAll(() => buildDist(), 180_000);

async function until(condition: () => boolean, what: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeDocker("orchestrator demo interrupted (real process, real Docker)", () => {
  it(
    "SIGINT mid-deploy: exit 130, no container of its project left, its temporary folder removed",
    async () => {
      const project = `firsthoursigint${process.pid}`;
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [join(ROOT, "bin/orchestrator.js"), "demo", "--yes", "--project", project, "--port", String(port)],
        { cwd: tmpdir(), env: process.env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
      const docker = new Docker();
      const containers = () =>
        docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
      try {
        // The deploy of the merged fix, once its container is being started (so there is one to remove).
        const midDeploy = () => /\[6\/9\][\s\S]*-> (up|verify)/.test(output);
        await until(midDeploy, () => output.slice(-2000), 240_000);
        const root = /repository {2}(\S+)\/shop /.exec(output)![1]!;
        expect(existsSync(root)).toBe(true);
        child.kill("SIGINT");
        const code = await exited;

        expect(code, output).toBe(130);
        const after = output.slice(output.indexOf("interrupted (SIGINT)"));
        expect(after, output).toContain("interrupted (SIGINT): stopping the demo and removing what it made");
        expect(after).toContain(`removed compose project ${project}`);
        expect(after).toContain(`removed the temporary folder ${root}`);
        expect(after).toContain("nothing of the demo is left running");
        // Nothing the unwinding steps printed after the interrupt.
        expect(after).not.toMatch(/\n\[\d\/9\]/);
        expect(existsSync(root)).toBe(false);
        expect(await containers()).toEqual([]);
        const images = await docker.listImages({ filters: { label: [`orchestrator.demo=${project}`] } });
        expect(images).toEqual([]);
      } finally {
        child.kill("SIGKILL");
        for (const c of await containers()) await docker.getContainer(c.Id).remove({ force: true });
      }
    },
    T,
  );
});
