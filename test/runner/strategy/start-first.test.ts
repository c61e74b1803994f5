import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { readEvents } from "../../../runner/journal/journal-file.js";
import { describeDocker } from "../../helpers/docker.js";
import { startLoad } from "../../helpers/load-loop.js";
import { createProxyStack, type ProxyStack } from "./proxy-stack.js";

describeDocker("start-first behind a real nginx (in-process runDeploy)", () => {
  let stack: ProxyStack;
  beforeAll(async () => {
    stack = await createProxyStack("sfproc");
    await stack.upInitial();
  }, 600_000);
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("a good deploy under load: no failed request, the new version answers at the end, one container left", async () => {
    const ref = stack.variant("v2", { "services/web/www/version": "v2\n" });
    const [old] = await stack.webContainers();
    const load = startLoad(`${stack.url}/version`);
    const result = await runDeploy(stack.deployRequest(ref));
    const report = await load.stop();
    console.log(
      `good deploy: ${report.requests} requests, ${report.failed} failed, longest gap ${report.longestGapMs} ms, versions ${report.versions.join(",")}`,
    );
    expect(result.status, result.reason).toBe("success");
    expect(report.failures).toEqual([]);
    expect(report.requests).toBeGreaterThan(10);
    expect(await stack.get("/version")).toBe("v2");
    const left = await stack.webContainers();
    expect(left.map((c) => c.id)).not.toContain(old!.id);
    expect(left).toHaveLength(1);
    const types = readEvents(result.artifactsDir).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["switch-plan", "new-container", "new-verified", "old-removed"]),
    );
    expect(result.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(["build", "scale-up", "verify-new", "remove-old"]),
    );
    expect(result.steps.map((s) => s.step)).not.toContain("up");
    // Out of the proxy until verified: the first answer from v2 came after the runner recorded it verified.
    const verifiedAt = Date.parse(readEvents(result.artifactsDir).find((e) => e.type === "new-verified")!.at);
    const firstV2 = load.samples().find((s) => s.ok && s.body === "v2");
    expect(firstV2?.at).toBeGreaterThanOrEqual(verifiedAt);
  }, 300_000);

  it("a deploy whose health check fails under load: no failed request, old version answers, new container gone, rolled back with evidence", async () => {
    const before = await stack.get("/version");
    const [old] = await stack.webContainers();
    const ref = stack.variant("broken", {
      "services/web/www/version": "broken\n",
      "services/web/www/health": null,
    });
    const load = startLoad(`${stack.url}/version`);
    const result = await runDeploy(stack.deployRequest(ref));
    const report = await load.stop();
    console.log(
      `broken deploy: ${report.requests} requests, ${report.failed} failed, longest gap ${report.longestGapMs} ms, versions ${report.versions.join(",")}`,
    );
    expect(result.status, result.reason).toBe("rolled_back");
    expect(result.reason).toContain("rolled back");
    expect(result.reason).toContain(`old container ${old!.id.slice(0, 12)} running`);
    expect(result.verify?.ok).toBe(false);
    expect(result.verify?.probes.some((p) => !p.ok)).toBe(true);
    expect(report.failures).toEqual([]);
    // The new container was never in the service's DNS name: not one request reached it.
    expect(report.versions).toEqual([before]);
    expect(await stack.get("/version")).toBe(before);
    const left = await stack.webContainers();
    expect(left.map((c) => c.id)).toEqual([old!.id]);
    expect(result.steps.map((s) => s.step)).toContain("remove-new");
    expect(readEvents(result.artifactsDir).some((e) => e.type === "new-removed")).toBe(true);
  }, 300_000);

  it("n replicas stay n (2 -> 4 -> 2), all on the new image; pre_stop runs in each old container, then the drain", async () => {
    await stack.scale(2);
    const old = await stack.webContainers();
    expect(old.filter((c) => c.state === "running")).toHaveLength(2);
    const ref = stack.variant("v3", { "services/web/www/version": "v3\n" });
    const request = stack.deployRequest(ref);
    request.serviceConfig = {
      ...request.serviceConfig,
      deploy: {
        ...request.serviceConfig.deploy,
        // Prints the version the old container serves: proof it ran there, before its stop.
        pre_stop: ["/bin/sh", "-c", "echo pre-stop saw $(cat /www/version)"],
        drain: "1s",
        single_writer_volumes: [],
      },
    };
    const load = startLoad(`${stack.url}/version`);
    const result = await runDeploy(request);
    const report = await load.stop();
    expect(result.status, result.reason).toBe("success");
    expect(report.failures).toEqual([]);
    const left = await stack.webContainers();
    expect(left).toHaveLength(2);
    expect(left.every((c) => c.state === "running")).toBe(true);
    expect(left.map((c) => c.id).filter((id) => old.some((o) => o.id === id))).toEqual([]);
    const built = readEvents(result.artifactsDir).find((e) => e.type === "step-end" && e.step === "build");
    const newImage = built?.type === "step-end" ? built.imageId : undefined;
    expect(newImage).toMatch(/^sha256:/);
    expect(left.map((c) => c.image)).toEqual([newImage, newImage]);
    expect(await stack.get("/version")).toBe("v3");
    const restartLog = readFileSync(join(result.artifactsDir, "restart.log"), "utf8");
    for (const o of old) expect(restartLog).toContain(`pre-stop in ${o.id.slice(0, 12)} exited 0`);
    expect(restartLog.match(/pre-stop saw v2/g)).toHaveLength(2);
    // The hook and the drain came before the first old container was stopped.
    expect(restartLog.indexOf("pre-stop saw v2")).toBeLessThan(restartLog.indexOf("stopped (grace"));
    const drain = result.steps.find((s) => s.step === "drain-old");
    expect(drain?.detail).toContain("drained 1000 ms");
    expect(drain!.durationMs).toBeGreaterThanOrEqual(1000);
  }, 300_000);
});
