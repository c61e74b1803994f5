/**
 * With a registry configured the swarm engine pushes `<registry>/<image>:<sha12>` and deploys it by
 * digest: the service spec and every task name the exact bytes pushed, as a second node would pull.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDeploy } from "../../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../../helpers/docker.js";
import { startImageRegistry, type ImageRegistry } from "./image-registry.js";
import { createSwarmStack, type SwarmStack } from "./swarm-stack.js";

describeDocker("swarm engine with a registry (Debian's docker-registry on loopback)", () => {
  let stack: SwarmStack;
  let registry: ImageRegistry;
  beforeAll(async () => {
    registry = await startImageRegistry(16120);
    stack = await createSwarmStack("registry", { port: 16113 });
    const config = join(stack.workspace, ".github/orchestrator.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        "engine: swarm\n",
        `engine: swarm\n    swarm:\n      registry: ${registry.host}\n`,
      ),
    );
    stack.git("commit", "-qam", "registry");
  });
  afterAll(async () => {
    await stack?.cleanup();
    await registry?.stop();
  });

  it("pushes <registry>/<image>:<sha12> and deploys it by digest; tasks run that digest", async () => {
    const sha = stack.git("rev-parse", "HEAD");
    const result = await runDeploy(stack.deployRequest("main"));
    expect(result.status, result.reason).toBe("success");
    expect(result.steps.map((s) => s.step)).toEqual(["prepare", "build", "push", "up", "verify"]);
    const tag = `${registry.host}/${stack.project}-web:${sha.slice(0, 12)}`;
    const spec = stack.serviceImage()!;
    expect(spec).toMatch(new RegExp(`^${tag.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
    // The registry has that manifest under that digest.
    const digest = spec.split("@")[1]!;
    const manifest = await fetch(
      `http://${registry.host}/v2/${stack.project}-web/manifests/${sha.slice(0, 12)}`,
      { method: "HEAD", headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" } },
    );
    expect(manifest.headers.get("docker-content-digest")).toBe(digest);
    expect(await stack.runningTaskImages()).toEqual([spec]);
    expect(await stack.get("/version")).toBe("v1");
  }, 180_000);
});
