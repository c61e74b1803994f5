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
    expect(await stack.get("/version")).toBe(before);
    const left = await stack.webContainers();
    expect(left.map((c) => c.id)).toEqual([old!.id]);
    expect(result.steps.map((s) => s.step)).toContain("remove-new");
    expect(readEvents(result.artifactsDir).some((e) => e.type === "new-removed")).toBe(true);
  }, 300_000);
});
