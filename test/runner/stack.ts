/**
 * A throwaway copy of the httpd fixture stack in a temp git repo, with its own compose project name
 * and host port so that test files can run in parallel on one engine.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { parseConfigText } from "../../src/config/parse.js";
import type { ServiceConfig } from "../../src/config/schema.js";
import type { runDeploy } from "../../runner/pipeline/deploy.js";
import { defaultImageName, type ComposeFlavor } from "../../runner/compose/argv.js";

type DeployRequest = Parameters<typeof runDeploy>[0];

const FIXTURE = new URL("../fixtures/stacks/httpd/", import.meta.url).pathname;

/**
 * The Compose CLI a test's own setup and cleanup use: the one the runner is forced to
 * (`RUNNER_COMPOSE`, set by the vitest configs: v1 for the main pass, v2 for the Compose v2 pass).
 */
export function testComposeArgv(env: NodeJS.ProcessEnv = process.env): string[] {
  return testFlavor(env) === "v2" ? ["docker", "compose"] : ["docker-compose"];
}

export function testFlavor(env: NodeJS.ProcessEnv = process.env): ComposeFlavor {
  return env.RUNNER_COMPOSE === "v2" ? "v2" : "v1";
}

/** For suite titles: which Compose the suite runs on. */
export const COMPOSE_LABEL = `compose ${testFlavor()}`;
const BUSYBOX = "/usr/bin/busybox";

export interface Stack {
  root: string;
  workspace: string;
  stateDir: string;
  project: string;
  port: number;
  url: string;
  /** The Compose flavor this stack is deployed with, and the image name that flavor builds for `web`. */
  flavor: ComposeFlavor;
  image: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  /** Commits edits on a new branch from `from` (default main) and returns its SHA; HEAD is put back. */
  variant(branch: string, edits: Record<string, string | null>, from?: string): string;
  serviceConfig(): ServiceConfig;
  /** The `runDeploy` request for the `web` service of this stack at `ref`. */
  deployRequest(ref: string): DeployRequest;
  /** Brings the service up at HEAD with plain compose (the state a runner finds on the host). */
  upInitial(): void;
  /** GET a path on the service; null when it does not answer. */
  get(path: string): Promise<string | null>;
  cleanup(): Promise<void>;
}

/** A free host port: from `TEST_PORTS` ("lo-hi", e.g. 16400-16499) when set, else one the OS picks. */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORTS?.trim() ?? "");
  if (process.env.TEST_PORTS?.trim() && !range)
    throw new Error(`TEST_PORTS must look like 16400-16499, got '${process.env.TEST_PORTS}'`);
  if (range) {
    // Start at a pid-dependent offset so parallel test files rarely probe the same port first.
    const [lo, hi] = [Number(range[1]), Number(range[2])];
    const start = process.pid + nextOffset++;
    for (let i = 0; i <= hi - lo; i++) {
      const port = lo + ((start + i) % (hi - lo + 1));
      if (await canBind(port)) return port;
    }
    throw new Error(`no free port in TEST_PORTS ${lo}-${hi}`);
  }
  return bindAny(0);
}

let nextOffset = 0;

async function canBind(port: number): Promise<boolean> {
  return bindAny(port).then(
    () => true,
    () => false,
  );
}

function bindAny(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function template(dir: string, project: string, port: number): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) template(path, project, port);
    else
      writeFileSync(
        path,
        readFileSync(path, "utf8").replaceAll("__PORT__", String(port)).replaceAll("__PROJECT__", project),
      );
  }
}

export interface StackOptions {
  /** A fixture laid over the httpd one (its files replace the httpd ones), e.g. the swarm stack file. */
  overlay?: string;
  /** Name prefix of the project (default `orchtest`). */
  prefix?: string;
  port?: number;
}

export async function createStack(name: string, options: StackOptions = {}): Promise<Stack> {
  const root = mkdtempSync(join(tmpdir(), `orch-${name}-`));
  const workspace = join(root, "ws");
  const stateDir = join(root, "state");
  const prefix = options.prefix ?? (process.env.TEST_PROJECT_PREFIX?.trim() || "orchtest");
  const project = `${prefix}${name.replace(/[^a-z0-9]/g, "")}${process.pid}`;
  const port = options.port ?? (await freePort());
  cpSync(FIXTURE, workspace, { recursive: true });
  if (options.overlay) cpSync(options.overlay, workspace, { recursive: true });
  template(workspace, project, port);
  copyFileSync(BUSYBOX, join(workspace, "services/web/busybox"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    RUNNER_STATE_DIR: stateDir,
    RUNNER_WORKSPACE: workspace,
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

  const stack: Stack = {
    root,
    workspace,
    stateDir,
    project,
    port,
    url: `http://127.0.0.1:${port}`,
    flavor: testFlavor(env),
    image: defaultImageName(testFlavor(env), project, "web"),
    env,
    git,
    variant(branch, edits, from = "main") {
      const back = git("rev-parse", "HEAD");
      git("checkout", "-q", "-b", branch, from);
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
    serviceConfig() {
      const parsed = parseConfigText(readFileSync(join(workspace, ".github/orchestrator.yml"), "utf8"));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      return parsed.config.services.web!;
    },
    deployRequest(ref) {
      return { service: "web", serviceConfig: this.serviceConfig(), ref, workspace, stateDir, env };
    },
    upInitial() {
      const [cli, ...head] = testComposeArgv(env);
      execFileSync(cli!, [...head, "-p", project, "up", "-d", "--build", "web"], {
        cwd: workspace,
        stdio: "ignore",
        env,
      });
    },
    async get(path) {
      try {
        const response = await fetch(`${stack.url}${path}`, { signal: AbortSignal.timeout(2000) });
        return response.ok ? (await response.text()).trim() : null;
      } catch {
        return null;
      }
    },
    async cleanup() {
      try {
        const [cli, ...head] = testComposeArgv(env);
        execFileSync(
          cli!,
          [...head, "-p", project, "down", "--rmi", "all", "-v", "--remove-orphans", "-t", "1"],
          { cwd: workspace, stdio: "ignore", env },
        );
      } catch {
        // fall through to the label sweep
      }
      const docker = new Docker();
      // Compose's containers, and build leftovers (a failed legacy-builder RUN keeps its container;
      // containers inherit the image's fixture label).
      for (const label of [`com.docker.compose.project=${project}`, `orchestrator.fixture=${project}`]) {
        const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
        for (const c of containers)
          await docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => {});
      }
      // Children must go before their parents, so sweep a few times, newest first.
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
