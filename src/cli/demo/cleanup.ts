import Docker from "dockerode";
import type { ComposeFlavor } from "../../../runner/compose/argv.js";
import { dockerOptionsFromEnv } from "../../../runner/docker/docker-ops.js";
import { run } from "../../../runner/process/run.js";

/**
 * Removes what the demo started: the compose project's containers, networks and built images, and
 * what a failed legacy build leaves behind (containers and images carrying the demo's label).
 * The shared base image stays: it is small and the next demo reuses it. Returns what went wrong, if anything.
 */
export async function removeDemoStack(input: {
  workspace: string;
  project: string;
  flavor: ComposeFlavor;
  env: NodeJS.ProcessEnv;
}): Promise<string[]> {
  const problems: string[] = [];
  const compose = input.flavor === "v2" ? ["docker", "compose"] : ["docker-compose"];
  const down = await run(
    [...compose, "-p", input.project, "down", "--rmi", "local", "-v", "--remove-orphans", "-t", "1"],
    { cwd: input.workspace, env: input.env },
  );
  if (down.exitCode !== 0)
    problems.push(`compose down exited ${down.exitCode}: ${down.stderr.trim().split("\n").at(-1)}`);
  const docker = new Docker(dockerOptionsFromEnv(input.env));
  const label = `orchestrator.demo=${input.project}`;
  try {
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } }))
      await docker.getContainer(c.Id).remove({ force: true });
    // Children before parents: newest first, a few passes.
    for (let pass = 0; pass < 4; pass++) {
      const images = await docker.listImages({ all: true, filters: { label: [label] } });
      if (images.length === 0) break;
      images.sort((a, b) => b.Created - a.Created);
      for (const image of images)
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  } catch (error) {
    problems.push(`removing labelled leftovers failed: ${(error as Error).message}`);
  }
  return problems;
}
