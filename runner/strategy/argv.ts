/** Pure argv builders of the start-first switch (no shell strings). */
import type { ComposeTarget } from "../compose/argv.js";

/**
 * Creates the new containers next to the old ones without starting them (the runner starts each
 * once it is out of the service's DNS name): `up --no-start --no-deps --no-recreate --no-build --scale svc=N`.
 */
export function scaleUpArgv(target: ComposeTarget, service: string, replicas: number): string[] {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`scale must be a whole number >= 1, got ${replicas}`);
  const head = target.flavor === "v2" ? ["docker", "compose"] : ["docker-compose"];
  return [
    ...head,
    "-p",
    target.project,
    ...target.files.flatMap((file) => ["-f", file]),
    "up",
    "--no-start",
    "--no-deps",
    "--no-recreate",
    "--no-build",
    "--scale",
    `${service}=${replicas}`,
    service,
  ];
}

/** Runs the pre-stop hook inside a container. */
export function preStopArgv(containerId: string, command: string[]): string[] {
  if (command.length === 0) throw new Error("pre_stop needs a command");
  return ["docker", "exec", containerId, ...command];
}
