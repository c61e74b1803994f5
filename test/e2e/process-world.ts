/**
 * The world of the process loop tests: the loop stack (loop-world.ts) on real Docker, the fake GitHub
 * over HTTP (fake-github-server.ts), and the app and the runner as their own processes started with
 * env only, the way an operator starts them. Webhooks go to the app signed, over HTTP.
 */
import { join } from "node:path";
import { TEST_APP_ID, TEST_OWNER, TEST_REPO, testPrivateKey } from "../helpers/github.js";
import { freePort } from "../runner/stack.js";
import { deliverWebhook, type Delivery } from "./deliver.js";
import { serveFakeGitHub, type FakeGitHubServer } from "./fake-github-server.js";
import { serveFakePyPI } from "./fake-pypi-server.js";
import { createLoopStack, ENVIRONMENT, type LoopStack } from "./loop-world.js";
import { startApp, startRunner, type OwnProcess } from "./processes.js";

/** Unpinned, so the fix adds a bare `PyYAML` (the registry check still asks the fake index). */
export const REQUIREMENTS_UNPINNED = "flask\n";
export const WEBHOOK_SECRET = "e2e-process-webhook-secret-7f3a";

export interface ProcessWorld extends LoopStack {
  github: FakeGitHubServer;
  app: OwnProcess;
  runner: OwnProcess;
  /**
   * Delivers one webhook to the app, signed; fails unless the app accepted it: 200 (handled) or 202
   * (still handling after GitHub's delivery timeout; the tests then wait for its effects).
   */
  deliver(event: string, payload: unknown): Promise<Delivery>;
  /** The tails of both processes' output and the last requests GitHub served, for failure messages. */
  debug(): string;
  /** Stops both processes (SIGTERM) and returns how they exited. */
  stop(): Promise<{ app: Awaited<OwnProcess["exited"]>; runner: Awaited<OwnProcess["exited"]> }>;
  cleanup(): Promise<void>;
}

export async function createProcessWorld(name: string): Promise<ProcessWorld> {
  const loop = await createLoopStack(name, { requirements: REQUIREMENTS_UNPINNED });
  const { stack } = loop;
  const privateKey = testPrivateKey();
  const github = await serveFakeGitHub(loop.origin, { appId: TEST_APP_ID, privateKey });
  const pypi = await serveFakePyPI({
    PyYAML: [
      { version: "3.05", uploaded: new Date("2006-05-12T08:00:00Z") },
      { version: "6.0.2", uploaded: new Date("2024-08-06T00:00:00Z") },
    ],
  });
  // The runner fetches from GHE_HOST's git URL; git rewrites it to the bare repository behind the fake.
  stack.git(
    "config",
    `url.${join(stack.root, "origin.git")}.insteadOf`,
    `http://${github.host}/${TEST_OWNER}/${TEST_REPO}.git`,
  );

  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const app = startApp({
    appId: TEST_APP_ID,
    privateKey,
    webhookSecret: WEBHOOK_SECRET,
    gheHost: github.host,
    port,
    pipIndexUrl: pypi.indexUrl,
  });
  const runner = startRunner({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: privateKey,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
    RUNNER_REPO: `${TEST_OWNER}/${TEST_REPO}`,
    RUNNER_ENVIRONMENT: ENVIRONMENT,
    RUNNER_WORKSPACE: stack.workspace,
    RUNNER_STATE_DIR: stack.stateDir,
    COMPOSE_PROJECT_NAME: stack.project,
    RUNNER_POLL_INTERVAL: "1s",
    LOG_LEVEL: "info",
  });
  try {
    await Promise.all([app.waitForLine(/^Listening on http/), runner.waitForLine(/^runner started$/)]);
  } catch (error) {
    await Promise.all([app.stop(), runner.stop()]);
    await github.close();
    await pypi.close();
    await stack.cleanup();
    throw error;
  }

  let stopped: Awaited<ReturnType<ProcessWorld["stop"]>> | null = null;
  const world: ProcessWorld = {
    ...loop,
    github,
    app,
    runner,
    async deliver(event, payload) {
      const delivery = await deliverWebhook(appUrl, WEBHOOK_SECRET, event, payload);
      if (delivery.status !== 200 && delivery.status !== 202)
        throw new Error(
          `the app answered ${delivery.status} to the ${event} webhook: ${delivery.body}\n${app.output().slice(-3000)}`,
        );
      return delivery;
    },
    debug() {
      const served = github.requests.slice(-25).map((r) => `${r.method} ${r.path} -> ${r.status}`);
      return [
        `app output:\n${app.output().slice(-3000)}`,
        `runner output:\n${runner.output().slice(-3000)}`,
        `last requests:\n${served.join("\n")}`,
        `problems:\n${github.problems.join("\n")}`,
      ].join("\n\n");
    },
    async stop() {
      if (!stopped) {
        const [appExit, runnerExit] = await Promise.all([app.stop(), runner.stop()]);
        stopped = { app: appExit, runner: runnerExit };
      }
      return stopped;
    },
    async cleanup() {
      await world.stop();
      await github.close();
      await pypi.close();
      await stack.cleanup();
    },
  };
  return world;
}

/** Everything that left "GitHub" or the processes: bodies, comments, checks, statuses, both logs. */
export function processOutbound(world: ProcessWorld): string {
  const { fake } = world.github;
  return [
    ...fake.comments.map((c) => c.body),
    ...fake.pulls.map((p) => `${p.title}\n${p.body}`),
    ...fake.checkRuns.map((c) => JSON.stringify(c.output)),
    ...fake.statuses.map((s) => `${s.description} ${s.log_url} ${s.environment_url}`),
    world.app.output(),
    world.runner.output(),
  ].join("\n");
}
