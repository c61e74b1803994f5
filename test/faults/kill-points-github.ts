/**
 * Kill points for GitHub runs: `orchestrator-runner start` against the fake GitHub over HTTP, SIGKILLed
 * right after each journal event of a deployment and started again. After each restart: the service
 * answers with the old or the new version, and the deployment got exactly one final status, one PR
 * comment (updated in place) and one completed check run, matching what serves; no lock is held.
 * Shared by the suite whose deployments verify and the one whose deployments are rolled back.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SWARM_EVENT_TYPES, SWITCH_EVENT_TYPES } from "../../runner/journal/events.js";
import { JOURNAL_EVENT_TYPES } from "../../runner/journal/failpoint.js";
import { listRunIds, readEvents, runDir } from "../../runner/journal/journal-file.js";
import { deployCheckName } from "../../contract/checks.js";
import { deployCommentMarker } from "../../contract/markers.js";
import { describeDocker } from "../helpers/docker.js";
import { TEST_APP_ID, TEST_OWNER, TEST_REPO, testPrivateKey } from "../helpers/github.js";
import { serveFakeGitHub, type FakeGitHubServer } from "../e2e/fake-github-server.js";
import { BOT } from "../e2e/fake-state.js";
import { openGitStore } from "../e2e/git-store.js";
import { signPayload } from "../helpers/signing.js";
import { createStack, type Stack } from "../runner/stack.js";
import { killPointsOf, runnerEnv, type KillPoint } from "./kill-points.js";
import { shortenWatch } from "./kill-points-suite.js";
import { startRunner } from "./runner-process.js";

const TERMINAL = new Set(["success", "failure", "error"]);

async function waitFor(what: string, deadlineMs: number, check: () => boolean | Promise<boolean>) {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() >= end) throw new Error(`${what} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface GitHubKillPath {
  /** Names the suite and its stack. */
  name: string;
  stackName: string;
  /** Deployments of a version whose /health is gone: verification fails and the runner rolls back. */
  broken: boolean;
}

export function describeGitHubKillPoints(path: GitHubKillPath): void {
  describeDocker(path.name, () => {
    let stack: Stack;
    let server: FakeGitHubServer;
    let env: NodeJS.ProcessEnv;
    let pr: number;

    beforeAll(async () => {
      stack = await createStack(path.stackName);
      shortenWatch(stack);
      const originDir = join(stack.root, "origin.git");
      execFileSync("git", ["clone", "-q", "--bare", stack.workspace, originDir]);
      server = await serveFakeGitHub(openGitStore(originDir), {
        appId: TEST_APP_ID,
        privateKey: testPrivateKey(),
      });
      const remote = `http://${server.host}/${TEST_OWNER}/${TEST_REPO}.git`;
      stack.git("config", `url.${originDir}.insteadOf`, remote);
      stack.git("remote", "add", "origin", remote);
      stack.git("fetch", "-q", "origin");
      stack.git("remote", "set-head", "origin", "--auto");
      stack.git("branch", "-q", "--set-upstream-to", "origin/main", "main");
      stack.upInitial();
      pr = server.state.nextId();
      const main = stack.git("rev-parse", "HEAD");
      server.state.pulls.push({
        number: pr,
        title: "web: versions",
        body: "",
        head: { ref: "versions", sha: main },
        base: { ref: "main", sha: main },
        state: "closed",
        labels: [],
        merged_at: server.state.now(),
        merge_commit_sha: main,
        merged_by: "alice",
        created_at: server.state.now(),
      });
      env = {
        ...runnerEnv(stack),
        APP_ID: String(TEST_APP_ID),
        PRIVATE_KEY: testPrivateKey(),
        GHE_HOST: server.host,
        GHE_PROTOCOL: "http",
        RUNNER_REPO: `${TEST_OWNER}/${TEST_REPO}`,
        RUNNER_ENVIRONMENT: "production",
        RUNNER_POLL_INTERVAL: "1s",
        LOG_LEVEL: "debug",
      };
    }, 180_000);
    afterAll(async () => {
      await server?.close();
      await stack?.cleanup();
    });

    /** A new version pushed to the origin and a deployment of it, as the app would queue one. */
    function queue(i: number, broken = path.broken): { id: number; sha: string; version: string } {
      const version = `${broken ? "ghbad" : "gh"}${i}`;
      const sha = stack.variant(`${version}-${i}`, {
        "services/web/www/version": `${version}\n`,
        ...(broken ? { "services/web/www/health": null } : {}),
      });
      stack.git("push", "-q", "origin", `${version}-${i}`);
      const id = server.state.nextId();
      const createdAt = server.state.now();
      server.state.deployments.push({
        id,
        sha,
        ref: sha,
        task: "deploy:web",
        environment: "production",
        // Queued as the app queues it: by its bot, with the payload signed for this commit.
        payload: signPayload(
          { service: "web", pr, reason: "merge", requested_by: "alice" },
          { environment: "production", sha, createdAt },
        ),
        description: `deploy web ${version}`,
        created_at: createdAt,
        creator: BOT,
      });
      return { id, sha, version };
    }

    const statesOf = (id: number) =>
      server.state.statuses.filter((s) => s.deployment === id).map((s) => s.state);
    const runOf = (id: number) =>
      listRunIds(stack.stateDir).find((runId) =>
        readEvents(runDir(stack.stateDir, runId)).some(
          (e) => e.type === "run-start" && (e.meta.github as { deploymentId?: number })?.deploymentId === id,
        ),
      ) ?? null;

    /** `start` until the deployment has its final status and its run is reported, then SIGTERM. */
    async function startUntilReported(id: number, failpoint?: string): Promise<string> {
      const runner = startRunner(
        ["start"],
        { ...env, ...(failpoint ? { ORCHESTRATOR_FAILPOINT: failpoint } : {}) },
        240_000,
      );
      if (failpoint) {
        const exit = await runner.exited;
        if (exit.signal !== "SIGKILL")
          throw new Error(`the failpoint ${failpoint} did not fire: ${exit.output.slice(-600)}`);
        return exit.output;
      }
      let gone = false;
      void runner.exited.then(() => (gone = true));
      await waitFor(`deployment #${id} was not reported`, 180_000, () => {
        if (gone) throw new Error("start exited early");
        const runId = runOf(id);
        return (
          statesOf(id).some((s) => TERMINAL.has(s)) &&
          runId !== null &&
          readEvents(runDir(stack.stateDir, runId)).some((e) => e.type === "reported") &&
          // and one more pass found nothing left to send
          runner.output().includes('"msg":"nothing to do"')
        );
      }).catch((error: Error) => {
        runner.kill("SIGKILL");
        throw new Error(`${error.message}; the runner said:\n${runner.output().slice(-1500)}`);
      });
      runner.kill("SIGTERM");
      const exit = await runner.exited;
      if (exit.code !== 0)
        throw new Error(`start exited ${exit.code ?? exit.signal}: ${exit.output.slice(-600)}`);
      return exit.output;
    }

    async function served(): Promise<string | null> {
      return (await stack.get("/health")) === "ok" ? stack.get("/version") : null;
    }

    /** What must hold for one deployment after its runner was killed and restarted; returns problems. */
    async function check(id: number, sha: string, before: string | null, version: string): Promise<string[]> {
      const problems: string[] = [];
      const runId = runOf(id);
      const events = runId ? readEvents(runDir(stack.stateDir, runId)) : [];
      const results = events.flatMap((e) => (e.type === "result" ? [e.result] : []));
      if (results.length !== 1 || events.filter((e) => e.type === "reported").length !== 1)
        problems.push(
          `journal: ${results.length} results, ${events.filter((e) => e.type === "reported").length} reports`,
        );
      const status = results[0]?.status;
      if (path.broken && status === "success")
        problems.push("a version whose health check fails was deployed");
      if (status === "rollback_failed" || status === "refused") problems.push(`ended ${status}`);
      const states = statesOf(id);
      const finals = states.filter((s) => TERMINAL.has(s));
      if (finals.length !== 1) problems.push(`deployment statuses ${states.join(", ")} (want one final)`);
      if ((finals[0] === "success") !== (status === "success"))
        problems.push(`final status ${finals[0]} but the run ended ${status}`);
      const comments = server.state.comments.filter((c) => c.body.includes(deployCommentMarker(id)));
      if (comments.length !== 1) problems.push(`${comments.length} PR comments for the deployment`);
      const checks = server.state.checkRuns.filter(
        (c) => c.name === deployCheckName("web") && c.head_sha === sha,
      );
      if (checks.length !== 1 || checks[0]!.status !== "completed")
        problems.push(`check runs: ${JSON.stringify(checks.map((c) => [c.status, c.conclusion]))}`);
      else if ((checks[0]!.conclusion === "success") !== (status === "success"))
        problems.push(`check run ${checks[0]!.conclusion} but the run ended ${status}`);
      const now = await served();
      if (now !== (status === "success" ? version : before))
        problems.push(`serves ${now} after ${status} (old ${before}, new ${version})`);
      const locks = join(stack.stateDir, "locks");
      const held = existsSync(locks) ? readdirSync(locks).filter((n) => n.endsWith(".lock")) : [];
      if (held.length > 0) problems.push(`locks held: ${held.join(", ")}`);
      return problems;
    }

    it("recovers from a SIGKILL after every journal event: one final status, comment and check run", async () => {
      const reference = queue(0);
      await startUntilReported(reference.id);
      expect(await check(reference.id, reference.sha, "v1", reference.version)).toEqual([]);
      const referenceRun = readEvents(runDir(stack.stateDir, runOf(reference.id)!));
      const ended = referenceRun.find((e) => e.type === "result");
      expect(ended?.type === "result" ? ended.result.status : null).toBe(
        path.broken ? "rolled_back" : "success",
      );
      const points: KillPoint[] = killPointsOf(referenceRun);
      // The start-first switch's own events have their suite, and swarm's the swarm suites.
      const recreateTypes = JOURNAL_EVENT_TYPES.filter(
        (t) => ![...SWITCH_EVENT_TYPES, ...SWARM_EVENT_TYPES].includes(t as never),
      );
      expect(new Set(points.map((p) => p.type))).toEqual(new Set(recreateTypes));

      const rows: string[] = [];
      let recovered = 0;
      for (const [i, point] of points.entries()) {
        const before = await served();
        const { id, sha, version } = queue(i + 1);
        const began = Date.now();
        let problems: string[];
        try {
          await startUntilReported(id, point.spec);
          await startUntilReported(id);
          problems = await check(id, sha, before, version);
        } catch (error) {
          problems = [error instanceof Error ? error.message : String(error)];
        }
        if (problems.length === 0) recovered += 1;
        const runId = runOf(id);
        const status = runId
          ? readEvents(runDir(stack.stateDir, runId)).find((e) => e.type === "result")
          : undefined;
        rows.push(
          `${problems.length ? "FAIL" : "ok  "} ${point.spec.padEnd(36)} -> ${String(status?.type === "result" ? status.result.status : null).padEnd(12)} ${statesOf(id).join(",").padEnd(20)} ${Date.now() - began} ms${problems.length ? `\n       ${problems.join("\n       ")}` : ""}`,
        );
      }
      console.log(`${path.name}:\n${rows.join("\n")}\n${points.length} kill points, ${recovered} recovered`);

      // The next deployment (a good version) runs normally.
      const next = queue(999, false);
      await startUntilReported(next.id);
      expect(statesOf(next.id)).toEqual(["in_progress", "success"]);
      expect(await served()).toBe(next.version);
      expect(server.problems).toEqual([]);
      expect(rows.filter((r) => r.startsWith("FAIL"))).toEqual([]);
      expect(recovered).toBe(points.length);
    }, 2_400_000);
  });
}
