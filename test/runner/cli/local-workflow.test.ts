import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeDocker } from "../../helpers/docker.js";
import { createStack, type Stack } from "../stack.js";
import { runCli } from "./run-cli.js";

/** The README's local workflow, through the real CLI process: commit in the workspace, then deploy. */

const T = 180_000;
const VERSION = "services/web/www/version";

async function containerId(stack: Stack): Promise<string> {
  const list = await new Docker().listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${stack.project}`, "com.docker.compose.service=web"] },
  });
  expect(list).toHaveLength(1);
  return list[0]!.Id;
}

describeDocker("local workflow: commit, then orchestrator-runner deploy (CLI process, real Docker)", () => {
  let stack: Stack;
  /** What a user's shell has: no RUNNER_STATE_DIR, no RUNNER_WORKSPACE. */
  let userEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stack = await createStack("workflow");
    stack.upInitial();
    userEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      COMPOSE_PROJECT_NAME: stack.project,
    };
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  /** Every branch and tag with the commit it points at. */
  const refs = () => stack.git("for-each-ref", "--format=%(refname) %(objectname)");
  const commit = (version: string, message = `version ${version}`) => {
    writeFileSync(join(stack.workspace, VERSION), `${version}\n`);
    stack.git("commit", "-q", "-am", message);
    return stack.git("rev-parse", "HEAD");
  };

  it(
    "commit, deploy from inside the workspace with the defaults, commit again, deploy again",
    async () => {
      expect(await stack.get("/version")).toBe("v1");
      for (const version of ["v2", "v3"]) {
        const sha = commit(version);
        const before = refs();
        const run = await runCli(["deploy", "web"], { env: userEnv, cwd: stack.workspace });
        expect(run.code, run.output).toBe(0);
        expect(run.output).toContain("web: SUCCESS");
        expect(run.output).toContain(`target ${sha.slice(0, 12)}`);
        expect(await stack.get("/version")).toBe(version);
        // The branch stays checked out and nothing moved.
        expect(stack.git("symbolic-ref", "HEAD")).toBe("refs/heads/main");
        expect(stack.git("rev-parse", "HEAD")).toBe(sha);
        expect(refs()).toBe(before);
      }
      // RUNNER_STATE_DIR defaults to ./.state in the current folder; it is untracked and does not block.
      expect(existsSync(join(stack.workspace, ".state/runs"))).toBe(true);
      const status = await runCli(["status"], { env: userEnv, cwd: stack.workspace });
      expect(status.code, status.output).toBe(0);
      expect(status.output).toContain(`state dir: ${join(stack.workspace, ".state")}`);
      expect(status.output).toContain(`live:   ${stack.git("rev-parse", "HEAD").slice(0, 12)}`);
    },
    T,
  );

  const env = () => ({ ...userEnv, RUNNER_STATE_DIR: stack.stateDir });

  it(
    "--ref HEAD with --workspace from another folder, and another branch checked out",
    async () => {
      const sha = commit("v4");
      const run = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "HEAD"], {
        env: env(),
      });
      expect(run.code, run.output).toBe(0);
      expect(await stack.get("/version")).toBe("v4");
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);

      // Another branch, with a commit of its own and an untracked file lying around.
      stack.git("checkout", "-q", "-b", "feature");
      const feature = commit("v5", "feature work");
      writeFileSync(join(stack.workspace, "notes.txt"), "scratch\n");
      const before = refs();
      const onFeature = await runCli(["deploy", "web", "--workspace", stack.workspace], { env: env() });
      expect(onFeature.code, onFeature.output).toBe(0);
      expect(await stack.get("/version")).toBe("v5");
      expect(stack.git("symbolic-ref", "HEAD")).toBe("refs/heads/feature");
      expect(stack.git("rev-parse", "HEAD")).toBe(feature);
      expect(readFileSync(join(stack.workspace, "notes.txt"), "utf8")).toBe("scratch\n");
      expect(refs()).toBe(before);

      // Deploying another ref from here: main's version goes live, feature keeps its commit.
      const back = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "main"], {
        env: env(),
      });
      expect(back.code, back.output).toBe(0);
      expect(await stack.get("/version")).toBe("v4");
      expect(stack.git("rev-parse", "HEAD")).toBe(sha);
      expect(stack.git("rev-parse", "feature")).toBe(feature);
      expect(refs()).toBe(before);
      expect(readFileSync(join(stack.workspace, "notes.txt"), "utf8")).toBe("scratch\n");
      stack.git("checkout", "-q", "feature");
    },
    T,
  );

  it(
    "refuses uncommitted changes to a tracked file, naming it, and touches nothing",
    async () => {
      const running = await containerId(stack);
      writeFileSync(join(stack.workspace, VERSION), "hand edit\n");
      const head = stack.git("rev-parse", "HEAD");
      const porcelain = stack.git("status", "--porcelain");
      const run = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "main"], {
        env: env(),
      });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain("web: REFUSED");
      expect(run.output).toContain(`uncommitted changes to tracked files: ${VERSION};`);
      expect(run.output).not.toContain("notes.txt");
      expect(readFileSync(join(stack.workspace, VERSION), "utf8")).toBe("hand edit\n");
      expect(stack.git("rev-parse", "HEAD")).toBe(head);
      expect(stack.git("status", "--porcelain")).toBe(porcelain);
      expect(await containerId(stack)).toBe(running);
      expect(await stack.get("/version")).toBe("v4");
      stack.git("checkout", "-q", "--", VERSION);
    },
    T,
  );

  it(
    "refuses to move HEAD off a detached commit no branch holds, naming it; deploying it in place is fine",
    async () => {
      stack.git("checkout", "-q", "--detach", "main");
      const hotfix = commit("v6", "hotfix on a detached head");
      const running = await containerId(stack);
      const before = refs();

      const away = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "feature"], {
        env: env(),
      });
      expect(away.code, away.output).toBe(1);
      expect(away.output).toContain("web: REFUSED");
      expect(away.output).toContain(`${hotfix.slice(0, 12)} "hotfix on a detached head"`);
      expect(stack.git("rev-parse", "HEAD")).toBe(hotfix);
      expect(await containerId(stack)).toBe(running);
      expect(refs()).toBe(before);

      // HEAD does not move when the detached commit itself is deployed.
      const here = await runCli(["deploy", "web", "--workspace", stack.workspace], { env: env() });
      expect(here.code, here.output).toBe(0);
      expect(await stack.get("/version")).toBe("v6");
      expect(stack.git("rev-parse", "HEAD")).toBe(hotfix);

      // Having deployed it does not make it disposable: moving away is still refused.
      const again = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "main"], {
        env: env(),
      });
      expect(again.code, again.output).toBe(1);
      expect(again.output).toContain(hotfix.slice(0, 12));
      expect(stack.git("rev-parse", "HEAD")).toBe(hotfix);
      expect(await stack.get("/version")).toBe("v6");

      // Once a branch holds it, the deploy goes ahead and the branch keeps it.
      stack.git("branch", "hotfix");
      const kept = await runCli(["deploy", "web", "--workspace", stack.workspace, "--ref", "main"], {
        env: env(),
      });
      expect(kept.code, kept.output).toBe(0);
      expect(await stack.get("/version")).toBe("v4");
      expect(stack.git("rev-parse", "hotfix")).toBe(hotfix);
      expect(stack.git("rev-parse", "feature")).toBe(
        before
          .split("\n")
          .find((line) => line.startsWith("refs/heads/feature "))!
          .split(" ")[1],
      );
    },
    T,
  );
});
