import { rm } from "node:fs/promises";
import Docker from "dockerode";
import type { ComposeFlavor } from "../../../runner/compose/argv.js";
import { dockerOptionsFromEnv } from "../../../runner/docker/docker-ops.js";
import { stopDescendants } from "./child-processes.js";
import { removeDemoStack } from "./cleanup.js";

/** What the demo has made so far, for the clean-up after Ctrl-C. */
export interface DemoFootprint {
  root: string;
  /** Whether the demo created `root` (a temporary folder) and so removes it; false for `--dir`. */
  ownsRoot: boolean;
  workspace: string;
  project: string;
  env: NodeJS.ProcessEnv;
  /** Set once Docker was found usable; null while nothing can have been started. */
  flavor: ComposeFlavor | null;
}

export const EXIT_ON_SIGNAL: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Undoes the demo after an interrupt: stops the commands the pipeline is running, removes the compose
 * project (containers, networks, built images) and the temporary folder, and says what it removed.
 * Returns what could not be removed (empty when everything is gone).
 */
export async function cleanUpAfterInterrupt(
  footprint: DemoFootprint,
  say: (text: string) => void,
): Promise<string[]> {
  const problems: string[] = [];
  const stopped = await stopDescendants();
  say(`  stopped ${stopped} running command${stopped === 1 ? "" : "s"} (compose, docker)\n`);
  if (footprint.flavor) {
    const docker = new Docker(dockerOptionsFromEnv(footprint.env));
    const label = `com.docker.compose.project=${footprint.project}`;
    const names = async () =>
      (await docker.listContainers({ all: true, filters: { label: [label] } })).map((c) =>
        (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
      );
    const before = await names().catch(() => [] as string[]);
    problems.push(
      ...(await removeDemoStack({
        workspace: footprint.workspace,
        project: footprint.project,
        flavor: footprint.flavor,
        env: footprint.env,
      })),
    );
    // A command the pipeline started while `down` ran: stop it, and remove what it created.
    await stopDescendants({ deadlineMs: 5000 });
    try {
      for (const c of await docker.listContainers({ all: true, filters: { label: [label] } }))
        await docker.getContainer(c.Id).remove({ force: true });
    } catch (error) {
      problems.push(`removing the project's containers failed: ${(error as Error).message}`);
    }
    const left = await names().catch(() => ["(Docker did not answer)"]);
    if (left.length > 0) problems.push(`containers still there: ${left.join(", ")}`);
    say(
      `  removed compose project ${footprint.project}: ${before.length > 0 ? `containers ${before.join(", ")}` : "no containers were running"}; its networks and built images\n`,
    );
  } else {
    say(`  no Docker step had started: nothing to remove from Docker\n`);
  }
  if (footprint.ownsRoot) {
    try {
      await rm(footprint.root, { recursive: true, force: true });
      say(`  removed the temporary folder ${footprint.root}\n`);
    } catch (error) {
      problems.push(`removing ${footprint.root} failed: ${(error as Error).message}`);
    }
  } else {
    say(`  left ${footprint.root} (given with --dir) as it is\n`);
  }
  return problems;
}
