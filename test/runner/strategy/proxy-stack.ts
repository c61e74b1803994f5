/**
 * A throwaway compose project for start-first: the busybox `web` service (no host port) behind a real
 * nginx container that resolves `web` by its compose DNS name on every request (resolver 127.0.0.11,
 * valid=1s, a variable in proxy_pass) and publishes a free host port. The nginx image comes from
 * test/helpers/nginx-image.ts.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { parseConfigText } from "../../../src/config/parse.js";
import type { runDeploy } from "../../../runner/pipeline/deploy.js";
import { ensureNginxImage, ZDT_PREFIX } from "../../helpers/nginx-image.js";
import { freePort } from "../stack.js";

type DeployRequest = Parameters<typeof runDeploy>[0];

const WEB = new URL("../../fixtures/stacks/httpd/services/web/", import.meta.url).pathname;
const BUSYBOX = "/usr/bin/busybox";

/**
 * The proxy's site: re-resolve `web` every second, retry the next address on a refused/dead one.
 * `/loop-baseline` is answered by nginx itself: the same client through the same proxy, without the
 * service, so a benchmark can tell the machine's own stalls from the deploy's gaps.
 */
export const NGINX_SITE = `server {
    listen 80;
    resolver 127.0.0.11 valid=1s ipv6=off;
    location = /loop-baseline {
        return 200 "baseline\\n";
    }
    set $web http://web:8080;
    location / {
        proxy_pass $web;
        proxy_connect_timeout 50ms;
        proxy_next_upstream error timeout http_502 http_503 http_504;
    }
}
`;

export interface ProxyStack {
  root: string;
  workspace: string;
  stateDir: string;
  project: string;
  /** The proxy, as a client on the host reaches it. */
  url: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  variant(branch: string, edits: Record<string, string | null>): string;
  deployRequest(ref: string): DeployRequest;
  /** Brings up web (at HEAD) and the proxy with plain compose, and waits until the proxy serves. */
  upInitial(): Promise<void>;
  get(path: string): Promise<string | null>;
  /** Scales web to `n` containers with plain compose (existing ones untouched) and waits until each is healthy. */
  scale(n: number): Promise<void>;
  /** Ids of the web service's containers. */
  webContainers(): Promise<Array<{ id: string; state: string; image: string }>>;
  cleanup(): Promise<void>;
}

export function composeText(strategyInCompose = false): string {
  return `version: "2.4"
services:
  web:
    build: ./services/web
    restart: always
    stop_grace_period: 1s
${strategyInCompose ? "    deploy:\n      update_config:\n        order: start-first\n        failure_action: rollback\n" : ""}  proxy:
    image: __NGINX__
    ports:
      - "127.0.0.1:__PORT__:80"
    volumes:
      - ./proxy/web.conf:/etc/nginx/conf.d/web.conf:ro
`;
}

export async function createProxyStack(name: string, config?: string): Promise<ProxyStack> {
  const nginx = await ensureNginxImage();
  const root = mkdtempSync(join(tmpdir(), `zdt-${name}-`));
  const workspace = join(root, "ws");
  const stateDir = join(root, "state");
  const project = `${ZDT_PREFIX}${name.replace(/[^a-z0-9]/g, "")}${process.pid}`;
  const port = await freePort();
  mkdirSync(join(workspace, "services"), { recursive: true });
  cpSync(WEB, join(workspace, "services/web"), { recursive: true });
  writeFileSync(
    join(workspace, "services/web/Dockerfile"),
    readFileSync(join(WEB, "Dockerfile"), "utf8").replaceAll("__PROJECT__", project),
  );
  copyFileSync(BUSYBOX, join(workspace, "services/web/busybox"));
  mkdirSync(join(workspace, "proxy"));
  writeFileSync(join(workspace, "proxy/web.conf"), NGINX_SITE);
  writeFileSync(
    join(workspace, "docker-compose.yml"),
    composeText().replaceAll("__NGINX__", nginx).replaceAll("__PORT__", String(port)),
  );
  mkdirSync(join(workspace, ".github"));
  writeFileSync(
    join(workspace, ".github/orchestrator.yml"),
    config ??
      `services:
  web:
    path: services/web
    deploy:
      strategy: start-first
    health:
      url: http://web:8080/health
      timeout: 8s
      watch: 2s
`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    RUNNER_STATE_DIR: stateDir,
    RUNNER_WORKSPACE: workspace,
    RUNNER_COMPOSE: "v1",
  };
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: workspace,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "v1");
  const url = `http://127.0.0.1:${port}`;
  const docker = new Docker();

  const stack: ProxyStack = {
    root,
    workspace,
    stateDir,
    project,
    url,
    env,
    git,
    variant(branch, edits) {
      const back = git("rev-parse", "HEAD");
      git("checkout", "-q", "-b", branch, "main");
      for (const [path, text] of Object.entries(edits)) {
        if (text === null) git("rm", "-q", path);
        else writeFileSync(join(workspace, path), text);
      }
      git("add", "-A");
      git("commit", "-q", "-m", branch);
      const sha = git("rev-parse", "HEAD");
      git("checkout", "-q", "--detach", back);
      return sha;
    },
    deployRequest(ref) {
      const parsed = parseConfigText(
        execFileSync("git", ["show", "HEAD:.github/orchestrator.yml"], { cwd: workspace, encoding: "utf8" }),
      );
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return { service: "web", serviceConfig: parsed.config.services.web!, ref, workspace, stateDir, env };
    },
    async upInitial() {
      execFileSync("docker-compose", ["-p", project, "up", "-d", "--build", "web", "proxy"], {
        cwd: workspace,
        stdio: "ignore",
        env,
      });
      const until = Date.now() + 60_000;
      while ((await stack.get("/version")) === null) {
        if (Date.now() > until) throw new Error(`the proxy at ${url} did not serve /version within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async scale(n) {
      execFileSync(
        "docker-compose",
        ["-p", project, "up", "-d", "--no-deps", "--no-recreate", "--no-build", "--scale", `web=${n}`, "web"],
        { cwd: workspace, stdio: "ignore", env },
      );
      const until = Date.now() + 60_000;
      for (;;) {
        const ids = (await stack.webContainers()).map((c) => c.id);
        const healthy = await Promise.all(
          ids.map(async (id) => (await docker.getContainer(id).inspect()).State.Health?.Status === "healthy"),
        );
        if (ids.length === n && healthy.every(Boolean)) return;
        if (Date.now() > until) throw new Error(`web did not reach ${n} healthy containers within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async get(path) {
      try {
        const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2000) });
        return response.ok ? (await response.text()).trim() : null;
      } catch {
        return null;
      }
    },
    async webContainers() {
      const list = await docker.listContainers({
        all: true,
        filters: { label: [`com.docker.compose.project=${project}`, "com.docker.compose.service=web"] },
      });
      return list.map((c) => ({ id: c.Id, state: c.State, image: c.ImageID }));
    },
    async cleanup() {
      try {
        execFileSync(
          "docker-compose",
          ["-p", project, "down", "--rmi", "local", "-v", "--remove-orphans", "-t", "1"],
          {
            cwd: workspace,
            stdio: "ignore",
            env,
          },
        );
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
      for (let pass = 0; pass < 4; pass++) {
        const images = await docker.listImages({
          all: true,
          filters: { label: [`orchestrator.fixture=${project}`] },
        });
        if (images.length === 0) break;
        images.sort((a, b) => b.Created - a.Created);
        for (const image of images)
          await docker
            .getImage(image.Id)
            .remove({ force: true })
            .catch(() => {});
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  return stack;
}
