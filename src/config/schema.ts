import { z } from "zod";
import { SERVICE_NAME } from "../../contract/service-name.js";

/**
 * The one schema for `.github/orchestrator.yml`. The TypeScript type, the runtime validation and the
 * published JSON Schema (schema/orchestrator.schema.json) all come from here.
 */

const duration = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(ms|s|m)$/, "use a duration such as 500ms, 30s or 2m"),
  ])
  .describe("A duration: a number of seconds, or a string such as `500ms`, `30s`, `2m`.");

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a relative path without '..'")
  .refine((p) => !p.includes("\\"), "use '/' as the path separator");

const repoPermission = z.enum(["read", "triage", "write", "maintain", "admin"]);

/** Health defaults, for a `health` entry and for a service without one (config/service.ts). */
export const DEFAULT_HEALTH_TIMEOUT = "60s";
export const DEFAULT_HEALTH_WATCH = "10s";

export const healthSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .describe("HTTP health endpoint as the runner sees it; 2xx/3xx means healthy."),
    timeout: duration
      .default(DEFAULT_HEALTH_TIMEOUT)
      .describe("How long the HTTP probe may retry with backoff before failing."),
    watch: duration
      .default(DEFAULT_HEALTH_WATCH)
      .describe("After the first healthy probe, watch this long for restarts or crash-loops."),
    interval: duration
      .optional()
      .describe("How often the health monitor checks this service. Default: `monitor.interval`."),
  })
  .strict();

export const STRATEGIES = ["recreate", "start-first"] as const;

export const serviceDeploySchema = z
  .object({
    strategy: z
      .enum(STRATEGIES)
      .optional()
      .describe(
        "`recreate` stops the old container and starts the new one; `start-first` starts the new one " +
          "next to it, verifies it alone, then removes the old one. Default: the compose file's " +
          "`deploy.update_config.order` (`start-first` / `stop-first`), else `recreate`.",
      ),
    drain: duration
      .optional()
      .describe(
        "start-first: how long the old container keeps serving after the verified new one joined the service's DNS name, before it is stopped. Default 2s (0 for recreate).",
      ),
    pre_stop: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        "start-first: a command (argv) run inside the old container before it is stopped, e.g. to make a proxy drain it.",
      ),
    single_writer_volumes: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Volumes (compose volume names or container paths) only one container may write at a time; start-first is refused for a service that mounts one.",
      ),
  })
  .strict();

export const ENGINES = ["compose", "swarm"] as const;

export const swarmSchema = z
  .object({
    stack: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
      .optional()
      .describe(
        "Swarm stack name; the service is `<stack>_<compose_service>`. Default: the compose project name.",
      ),
    registry: z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/, "a registry host[:port][/path], without a scheme")
      .optional()
      .describe(
        "Push images here before deploying (needed with more than one node). Default: RUNNER_SWARM_REGISTRY.",
      ),
  })
  .strict();

export const serviceSchema = z
  .object({
    path: relativePath.describe("Folder of the service in the repository; patches are confined to it."),
    compose_service: z
      .string()
      .regex(SERVICE_NAME)
      .optional()
      .describe("Service name in the compose file. Default: the key of this entry."),
    dockerfile: relativePath.default("Dockerfile").describe("Dockerfile path, relative to `path`."),
    environment: z
      .string()
      .min(1)
      .default("production")
      .describe("GitHub environment the runner for this service serves."),
    protected: z
      .boolean()
      .default(false)
      .describe("Deploy only after an approving review by an allowed approver on the head SHA."),
    approvers: z
      .array(z.string().regex(/^@?[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9_.-]+)?$/, "a login or @org/team"))
      .optional()
      .describe(
        "Logins or `@org/team` slugs allowed to approve. Default: anyone with write access except the app.",
      ),
    health: healthSchema.optional().describe("How the runner verifies the service after a restart."),
    allow: z
      .array(z.string().min(1))
      .default([])
      .describe("Extra file globs (relative to `path`) that fixes may change, on top of the defaults."),
    deploy: serviceDeploySchema
      .optional()
      .describe("How the runner replaces the running container (see the README's zero-downtime section)."),
    engine: z
      .enum(ENGINES)
      .optional()
      .describe(
        "Where the service runs: `compose` or `swarm` (Docker Swarm). Default: RUNNER_ENGINE, else compose.",
      ),
    swarm: swarmSchema.optional().describe("Swarm settings (engine: swarm)."),
  })
  .strict();

export const mapsSchema = z
  .object({
    python: z
      .record(z.string(), z.string().nullable())
      .default({})
      .describe(
        "Import name -> PyPI distribution. `null` means: never fix this import (it is the project's own).",
      ),
    node: z
      .record(z.string(), z.string().nullable())
      .default({})
      .describe("Module specifier -> npm package. `null` means: never fix it."),
    system: z
      .record(
        z.string(),
        z
          .object({
            debian: z.string().optional(),
            alpine: z.string().optional(),
            rpm: z.string().optional(),
          })
          .strict()
          .nullable(),
      )
      .default({})
      .describe(
        "Header, pkg-config name or tool -> system package per base image family. `null`: never fix.",
      ),
  })
  .strict();

export const monitorSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Run the health monitor in `orchestrator-runner start` (`orchestrator-runner monitor` always runs it).",
      ),
    interval: duration
      .default("30s")
      .describe("How often each service is checked (per service: `health.interval`)."),
    timeout: duration
      .default("5s")
      .describe(
        "Longest one check may take (container inspect and HTTP health URL together); past it the check fails.",
      ),
    failure_threshold: z
      .number()
      .int()
      .positive()
      .default(5)
      .describe(
        "Consecutive failed checks that open a service's circuit breaker (checks stop while it is open).",
      ),
    recovery_timeout: duration
      .default("60s")
      .describe("How long an open circuit waits before it goes half-open and checks again."),
    success_threshold: z
      .number()
      .int()
      .positive()
      .default(2)
      .describe("Consecutive good checks in half-open that close the circuit again."),
    unhealthy_threshold: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe(
        "Consecutive failed checks of a running container (HTTP or Docker health) that make an incident.",
      ),
    crash_loop_restarts: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe("Restarts since the last good check that make a crash-loop incident."),
    restart_on_failure: z
      .boolean()
      .default(false)
      .describe("Restart a service's container once per incident. Off: the monitor only reports."),
  })
  .strict();

export const configSchema = z
  .object({
    services: z
      .record(
        z.string().regex(SERVICE_NAME, "service names are lowercase letters, digits, '.', '_' and '-'"),
        serviceSchema,
      )
      .refine((s) => Object.keys(s).length > 0, "declare at least one service")
      .describe("The compose services orchestrator may fix and deploy, by name."),
    auto_fix: z
      .boolean()
      .default(false)
      .describe("Open fix PRs on CI failures without a command. Off: only `/orchestrator fix` opens one."),
    deploy_on_merge: z
      .boolean()
      .default(false)
      .describe(
        "Also deploy merged PRs that are not orchestrator's when their changes are inside one service.",
      ),
    commands: z
      .object({
        permission: repoPermission
          .default("write")
          .describe("Minimum repository permission a commenter needs for any command."),
      })
      .strict()
      .default({ permission: "write" }),
    policy: z
      .object({
        max_files: z.number().int().positive().default(5).describe("Most files one fix may change."),
        max_changed_lines: z
          .number()
          .int()
          .positive()
          .default(200)
          .describe("Most added+removed lines in one fix."),
        min_release_age: z
          .union([
            z.number().int().nonnegative(),
            z.string().regex(/^\d+[dhm]$/, "use a duration such as 14d, 36h or 90m"),
          ])
          .default("14d")
          .describe(
            "A proposed PyPI / npm package must exist and its first release be at least this old " +
              "(days as a number, or `14d`, `36h`, `90m`). Guards against dependency confusion.",
          ),
      })
      .strict()
      .default({ max_files: 5, max_changed_lines: 200, min_release_age: "14d" }),
    deploy: z
      .object({
        required_contexts: z
          .array(z.string())
          .default([])
          .describe("Status contexts that must pass on the merge commit before the Deployment is created."),
      })
      .strict()
      .default({ required_contexts: [] }),
    maps: mapsSchema
      .default({ python: {}, node: {}, system: {} })
      .describe("Extra names for the diagnosers."),
    // `prefault`: a missing block is parsed as `{}`, so each field's own default is the only one.
    monitor: monitorSchema
      .prefault({})
      .describe("The runner's health monitor: checks running services between deploys."),
    max_log_bytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024)
      .describe("Diagnosis reads at most this many bytes of a log, then stops with a note."),
  })
  .strict();

export type OrchestratorConfig = z.output<typeof configSchema>;
export type OrchestratorConfigInput = z.input<typeof configSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type ServiceDeployConfig = z.output<typeof serviceDeploySchema>;
export type DeployStrategy = (typeof STRATEGIES)[number];
export type HealthConfig = z.output<typeof healthSchema>;
export type MonitorConfig = z.output<typeof monitorSchema>;
export type RepoPermission = z.output<typeof repoPermission>;
