import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAppMetrics } from "../../src/metrics/app-metrics.js";
import { opsHandler } from "../../src/metrics/app-ops.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus.js";

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

async function serve(handler: ReturnType<typeof opsHandler>): Promise<string> {
  server = createServer((req, res) => {
    void Promise.resolve(handler(req, res)).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("app ops routes", () => {
  it("/ready is 503 with the reason, cached, then 200 once the probe passes", async () => {
    let fail = true;
    let calls = 0;
    let clock = 0;
    const metrics = createAppMetrics({ defaultMetrics: false });
    const base = await serve(
      opsHandler({
        metrics,
        now: () => clock,
        ready: async () => {
          calls++;
          if (fail) throw new Error("the App has no installation: install it on a repository");
        },
      }),
    );
    const first = await fetch(`${base}/ready`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({
      ready: false,
      reason: "the App has no installation: install it on a repository",
    });
    fail = false;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    expect(calls).toBe(1);
    clock += 10_000;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/webhooks`)).status).toBe(404);
  });

  it("/metrics counts fixes, diagnoses and GitHub requests", async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    metrics.fix("opened");
    metrics.fix("refused");
    metrics.diagnosis("python_module", "fixable");
    metrics.github.record("get", 200, { "x-ratelimit-remaining": "4999" });
    const base = await serve(opsHandler({ metrics, ready: async () => {} }));
    const families = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    expect(sampleValue(families, "orchestrator_fix_prs_total", { outcome: "opened" })).toBe(1);
    expect(sampleValue(families, "orchestrator_fix_prs_total", { outcome: "refused" })).toBe(1);
    expect(
      sampleValue(families, "orchestrator_diagnoses_total", { kind: "python_module", result: "fixable" }),
    ).toBe(1);
    expect(
      sampleValue(families, "orchestrator_github_requests_total", { method: "GET", status: "200" }),
    ).toBe(1);
    expect(sampleValue(families, "orchestrator_github_rate_limit_remaining", { resource: "core" })).toBe(
      4999,
    );
  });
});
