/**
 * A compose stack for the monitor's Docker tests: services built `FROM scratch` with the static
 * busybox, each serving `/health` with busybox httpd and logging a line when it starts. Its own
 * project name (prefixed `monitor`, or `TEST_DOCKER_PREFIX` when set) and free host ports, so suites can
 * run beside others on one engine.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { freePort } from "../stack.js";

export interface MonitorStackService {
  name: string;
  /** Shell command of the container (default: log a line, then serve /health on 8080). */
  command?: string;
  restart?: "no" | "always";
  /** A Docker HEALTHCHECK (`CMD-SHELL`), probed every second, unhealthy after one failure. */
  healthcheck?: string;
}

export interface MonitorStack {
  root: string;
  workspace: string;
  stateDir: string;
  project: string;
  ports: Record<string, number>;
  env: NodeJS.ProcessEnv;
  /** `.github/orchestrator.yml` text for the services, with a `monitor:` block. */
  writeConfig(monitor: Record<string, unknown>, extraService?: Record<string, unknown>): void;
  up(): void;
  container(service: string): Promise<Docker.Container>;
  cleanup(): Promise<void>;
}

const BUSYBOX = "/usr/bin/busybox";
export const SERVE = 'echo "service $$SERVICE starting"; exec httpd -f -v -p 8080 -h /www';

export async function createMonitorStack(
  name: string,
  services: MonitorStackService[],
): Promise<MonitorStack> {
  const root = mkdtempSync(join(tmpdir(), `monitor-${name}-`));
  const workspace = join(root, "ws");
  const stateDir = join(root, "state");
  const prefix = (process.env.TEST_DOCKER_PREFIX ?? "monitor").toLowerCase().replace(/[^a-z0-9]/g, "");
  const project = `${prefix}${name.replace(/[^a-z0-9]/g, "")}${process.pid}`;
  const image = `${project}_img:latest`;
  mkdirSync(join(workspace, "svc/www"), { recursive: true });
  mkdirSync(join(workspace, ".github"), { recursive: true });
  copyFileSync(BUSYBOX, join(workspace, "svc/busybox"));
  writeFileSync(join(workspace, "svc/www/health"), "ok\n");
  writeFileSync(
    join(workspace, "svc/Dockerfile"),
    [
      "FROM scratch",
      `LABEL orchestrator.fixture="${project}"`,
      "COPY busybox /bin/busybox",
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      "COPY www /www",
      "",
    ].join("\n"),
  );
  const ports: Record<string, number> = {};
  for (const s of services) ports[s.name] = await freePort();
  const compose = [
    'version: "2.4"',
    "services:",
    ...services.flatMap((s, i) => [
      `  ${s.name}:`,
      ...(i === 0 ? ["    build: ./svc"] : []),
      `    image: ${image}`,
      `    command: ["/bin/sh", "-c", ${JSON.stringify(s.command ?? SERVE)}]`,
      `    environment: { SERVICE: ${s.name} }`,
      `    ports: ["127.0.0.1:${ports[s.name]}:8080"]`,
      `    restart: "${s.restart ?? "no"}"`,
      "    stop_grace_period: 1s",
      ...(s.healthcheck
        ? [
            "    healthcheck:",
            `      test: ["CMD-SHELL", ${JSON.stringify(s.healthcheck)}]`,
            "      interval: 1s",
            "      timeout: 1s",
            "      retries: 1",
          ]
        : []),
    ]),
    "",
  ].join("\n");
  writeFileSync(join(workspace, "docker-compose.yml"), compose);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    RUNNER_STATE_DIR: stateDir,
    RUNNER_WORKSPACE: workspace,
  };
  const docker = new Docker();
  const stack: MonitorStack = {
    root,
    workspace,
    stateDir,
    project,
    ports,
    env,
    writeConfig(monitor, extraService = {}) {
      const lines = ["services:"];
      for (const s of services) {
        lines.push(`  ${s.name}:`, `    path: svc`);
        if (!s.command) lines.push(`    health:`, `      url: http://127.0.0.1:${ports[s.name]}/health`);
        for (const [k, v] of Object.entries(extraService)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
      }
      lines.push(`monitor: ${JSON.stringify(monitor)}`, "");
      writeFileSync(join(workspace, ".github/orchestrator.yml"), lines.join("\n"));
    },
    up() {
      execFileSync("docker-compose", ["-p", project, "build", services[0]!.name], {
        cwd: workspace,
        stdio: "ignore",
        env,
      });
      execFileSync("docker-compose", ["-p", project, "up", "-d"], { cwd: workspace, stdio: "ignore", env });
    },
    async container(service) {
      const list = await docker.listContainers({
        all: true,
        filters: {
          label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
        },
      });
      if (!list[0]) throw new Error(`no container for ${service} in ${project}`);
      return docker.getContainer(list[0].Id);
    },
    async cleanup() {
      try {
        execFileSync("docker-compose", ["-p", project, "down", "--rmi", "all", "-v", "-t", "1"], {
          cwd: workspace,
          stdio: "ignore",
          env,
        });
      } catch {
        // fall through to the label sweep
      }
      const containers = await docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${project}`] },
      });
      for (const c of containers)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {});
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => {});
      const images = await docker.listImages({
        all: true,
        filters: { label: [`orchestrator.fixture=${project}`] },
      });
      for (const i of images.sort((a, b) => b.Created - a.Created))
        await docker
          .getImage(i.Id)
          .remove({ force: true })
          .catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
  return stack;
}
