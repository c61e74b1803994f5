/**
 * The httpd fixture deployed as a swarm stack (test/fixtures/stacks/swarm): one stack per test file,
 * named `orchsw<name><pid>`, its port published through the routing mesh. The engine must be a swarm
 * manager: `docker swarm init` is run when it is not (and the swarm is left active afterwards).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { createStack, type Stack, type StackOptions } from "../../stack.js";

const OVERLAY = new URL("../../../fixtures/stacks/swarm/", import.meta.url).pathname;

export interface SwarmStack extends Stack {
  /** `<stack>_web`. */
  service: string;
  /** The image the service's spec runs now (null: no service). */
  serviceImage(): string | null;
  /** The images of the tasks swarm wants running. */
  runningTaskImages(): Promise<string[]>;
}

function swarmState(): string {
  return execFileSync("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"], {
    encoding: "utf8",
  }).trim();
}

/** Test files run in parallel: another one may be initialising the swarm at the same moment. */
export function ensureSwarm(): void {
  if (swarmState() === "active") return;
  const init = spawnSync("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1"], { encoding: "utf8" });
  if (init.status === 0) return;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (swarmState() === "active") return;
    spawnSync("sleep", ["0.2"]);
  }
  throw new Error(`docker swarm init failed and the engine is not in a swarm: ${init.stderr.trim()}`);
}

export async function createSwarmStack(name: string, options: StackOptions = {}): Promise<SwarmStack> {
  ensureSwarm();
  const stack = await createStack(name, { overlay: OVERLAY, prefix: "orchsw", ...options });
  const service = `${stack.project}_web`;
  const docker = new Docker();
  const cleanup = stack.cleanup.bind(stack);
  return {
    ...stack,
    service,
    serviceImage() {
      const out = spawnSync(
        "docker",
        ["service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service],
        { encoding: "utf8" },
      );
      return out.status === 0 ? out.stdout.trim() : null;
    },
    async runningTaskImages() {
      const tasks = (await docker.listTasks({
        filters: { service: [service], "desired-state": ["running"] },
      })) as Array<{ Spec?: { ContainerSpec?: { Image?: string } }; Status?: { State?: string } }>;
      return tasks
        .filter((t) => t.Status?.State === "running")
        .map((t) => t.Spec?.ContainerSpec?.Image ?? "");
    },
    async cleanup() {
      spawnSync("docker", ["stack", "rm", stack.project], { stdio: "ignore" });
      // The stack's tasks go away asynchronously; their containers hold the images.
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const left = await docker.listContainers({
          all: true,
          filters: { label: [`com.docker.stack.namespace=${stack.project}`] },
        });
        if (left.length === 0) break;
        await sleep(250);
      }
      const images = await docker.listImages({ filters: { reference: [`*${stack.project}-web*`] } });
      for (const image of images)
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => {});
      await cleanup();
    },
  };
}
