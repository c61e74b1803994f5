/**
 * The operator examples load and say what they promise. No Kubernetes or compose-spec JSON schema
 * package could be installed here, so the manifests are checked against zod schemas of the fields
 * that matter (kind, apiVersion, replicas, probes, security settings, secret references), strict
 * where a typo would silently do nothing. The alert rules are parsed the way `promtool check rules`
 * reads them (groups, unique alert names, durations, labels, annotations) and every metric an
 * expression or a dashboard panel names must be one the processes export.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { z } from "zod";
import { createRunnerMetrics } from "../../runner/metrics/runner-metrics.js";
import { createAppMetrics } from "../../src/metrics/app-metrics.js";

const read = (path: string) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), "utf8");

async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [createRunnerMetrics().registry, createAppMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === "histogram")
        for (const s of ["_bucket", "_sum", "_count"]) names.add(metric.name + s);
    }
  }
  return names;
}

function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(orchestrator_[a-z0-9_]+)/g)].map((m) => m[1]!);
}

const probe = z.object({
  httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }),
  periodSeconds: z.number().int().positive().optional(),
  failureThreshold: z.number().int().positive().optional(),
});

const deployment = z.object({
  apiVersion: z.literal("apps/v1"),
  kind: z.literal("Deployment"),
  metadata: z.object({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.object({
    replicas: z.number().int(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z
        .object({
          automountServiceAccountToken: z.boolean().optional(),
          securityContext: z.object({ runAsNonRoot: z.literal(true) }).loose(),
          containers: z
            .array(
              z
                .object({
                  name: z.string(),
                  image: z.string(),
                  ports: z.array(z.object({ name: z.string(), containerPort: z.number().int() })),
                  env: z.array(z.object({ name: z.string(), value: z.string() }).strict()).optional(),
                  envFrom: z.array(z.object({ secretRef: z.object({ name: z.string() }) }).strict()),
                  securityContext: z
                    .object({
                      allowPrivilegeEscalation: z.literal(false),
                      readOnlyRootFilesystem: z.literal(true),
                      capabilities: z.object({ drop: z.array(z.literal("ALL")).length(1) }).strict(),
                    })
                    .strict(),
                  livenessProbe: probe,
                  readinessProbe: probe,
                })
                .loose(),
            )
            .min(1),
        })
        .loose(),
    }),
  }),
});

const service = z.object({
  apiVersion: z.literal("v1"),
  kind: z.literal("Service"),
  metadata: z.object({ name: z.string() }).loose(),
  spec: z.object({
    selector: z.record(z.string(), z.string()),
    ports: z.array(
      z.object({ name: z.string(), port: z.number(), targetPort: z.union([z.string(), z.number()]) }),
    ),
  }),
});

describe("examples/kubernetes/app.yaml", () => {
  const docs = parseAllDocuments(read("kubernetes/app.yaml")).map((d) => d.toJS() as Record<string, unknown>);

  it("a Deployment with 2 replicas, probes on /health and /ready, locked down, secrets from a Secret", () => {
    const d = deployment.parse(docs.find((d) => d.kind === "Deployment"));
    expect(d.spec.replicas).toBe(2);
    const container = d.spec.template.spec.containers[0]!;
    expect(container.livenessProbe.httpGet.path).toBe("/health");
    expect(container.readinessProbe.httpGet.path).toBe("/ready");
    expect(container.envFrom[0]!.secretRef.name).toBe("orchestrator-app");
    // No secret value sits in the manifest itself.
    expect((container.env ?? []).map((e) => e.name)).not.toEqual(
      expect.arrayContaining(["PRIVATE_KEY", "WEBHOOK_SECRET"]),
    );
    // The probes' named port exists, and the selector matches the pod labels.
    expect(container.ports.map((p) => p.name)).toContain(container.livenessProbe.httpGet.port);
    expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
  });

  it("a Service selecting the Deployment's pods", () => {
    const s = service.parse(docs.find((d) => d.kind === "Service"));
    const d = deployment.parse(docs.find((d) => d.kind === "Deployment"));
    expect(d.spec.template.metadata.labels).toMatchObject(s.spec.selector);
    expect(docs).toHaveLength(2);
  });
});

describe("examples/compose.app.yml", () => {
  const composeService = z
    .object({
      build: z.object({ context: z.string(), target: z.string() }).strict(),
      image: z.string(),
      deploy: z.object({ replicas: z.literal(2) }).strict(),
      user: z.string().regex(/^[1-9]\d*:\d+$/, "a non-root uid:gid"),
      read_only: z.literal(true),
      cap_drop: z.tuple([z.literal("ALL")]),
      security_opt: z.array(z.string()),
      tmpfs: z.array(z.string()),
      environment: z.record(z.string(), z.string()),
      env_file: z.array(z.string()),
      secrets: z.array(z.string()),
      expose: z.array(z.string()),
      healthcheck: z
        .object({ test: z.array(z.string()), interval: z.string(), timeout: z.string(), retries: z.number() })
        .strict(),
      restart: z.enum(["no", "always", "on-failure", "unless-stopped"]),
    })
    .strict();
  const compose = z
    .object({
      services: z.object({ app: composeService }).strict(),
      secrets: z.record(z.string(), z.object({ file: z.string() }).strict()),
    })
    .strict();

  it("has the Kubernetes example's settings, with secrets declared", () => {
    const c = compose.parse(parseYaml(read("compose.app.yml")));
    for (const name of c.services.app.secrets) expect(c.secrets[name]).toBeDefined();
    expect(c.services.app.healthcheck.test.join(" ")).toContain("/ready");
    expect(c.services.app.environment).not.toHaveProperty("WEBHOOK_SECRET");
  });
});

describe("examples/prometheus/alerts.yml", () => {
  const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, "a Prometheus duration");
  const rule = z
    .object({
      alert: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
      expr: z.string().min(1),
      for: duration.optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .strict();
  const file = z
    .object({ groups: z.array(z.object({ name: z.string(), rules: z.array(rule).min(1) }).strict()) })
    .strict();

  it("parses as rule groups, names unique, every metric exported", async () => {
    const rules = file.parse(parseYaml(read("prometheus/alerts.yml")));
    const all = rules.groups.flatMap((g) => g.rules);
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
    const names = await exportedMetricNames();
    for (const r of all) {
      expect(metricsIn(r.expr).length, r.alert).toBeGreaterThan(0);
      for (const m of metricsIn(r.expr)) expect(names, `${r.alert} uses ${m}`).toContain(m);
      // Balanced parentheses and braces, as the PromQL parser requires.
      for (const [open, close] of ["()", "{}", "[]"])
        expect(r.expr.split(open!).length, r.alert).toBe(r.expr.split(close!).length);
    }
    const alerts = all.map((r) => r.alert);
    for (const wanted of [
      "OrchestratorFailedRunsRising",
      "OrchestratorVerifyFailing",
      "OrchestratorCircuitOpen",
      "OrchestratorQueueStuck",
    ])
      expect(alerts).toContain(wanted);
  });
});

describe("examples/grafana/orchestrator.json", () => {
  const dashboard = z
    .object({
      title: z.string(),
      uid: z.string(),
      schemaVersion: z.number().int(),
      panels: z.array(
        z
          .object({
            id: z.number().int(),
            title: z.string(),
            type: z.enum(["timeseries", "stat", "bargauge", "table", "gauge"]),
            gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }).strict(),
            targets: z
              .array(z.object({ refId: z.string(), expr: z.string(), legendFormat: z.string() }).loose())
              .min(1),
          })
          .loose(),
      ),
    })
    .loose();

  it("has the run funnel, step latency, per-service health and MTTR, on exported metrics", async () => {
    const d = dashboard.parse(JSON.parse(read("grafana/orchestrator.json")));
    const titles = d.panels.map((p) => p.title).join(" | ");
    for (const wanted of [/funnel/i, /step latency/i, /per-service health/i, /MTTR/])
      expect(titles).toMatch(wanted);
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    const names = await exportedMetricNames();
    for (const p of d.panels)
      for (const t of p.targets)
        for (const m of metricsIn(t.expr)) expect(names, `${p.title} uses ${m}`).toContain(m);
  });
});
