/**
 * Issue 7, item 9: one test that plants secrets, and their base64 / URL / JSON / hex forms, in every
 * input the loop reads (the env of both processes, the CI job's name and log, the container's output)
 * and runs the whole loop on real Docker with the production wiring (the app's redacting logger and
 * Octokit from src/server.ts, the runner's `start --once`). No recorded outbound request, log line,
 * artifact or journal line may contain any form of them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Probot } from "probot";
import { afterEach, expect, it } from "vitest";
import orchestrator from "../../src/index.js";
import { MASK, createRedactor, processRedactor, useProcessRedactor } from "../../src/redact/redactor.js";
import { encodedForms } from "../../src/redact/secret-forms.js";
import { appWiring } from "../../src/server.js";
import { describeDocker } from "../helpers/docker.js";
import { TEST_APP_ID, testPrivateKey, useGitHubHarness } from "../helpers/github.js";
import type { WebhookPayload } from "../helpers/webhook-examples.js";
import { createFakeGitHub } from "../e2e/fake-github.js";
import {
  APPROVER,
  failingCiRun,
  mockPyPI,
  outboundText,
  runnerPass,
  useLoopWorld,
} from "../e2e/loop-world.js";
import { deploymentStatusEvents, pullClosed, reviewSubmitted, workflowRunFailed } from "../e2e/webhooks.js";

const gh = useGitHubHarness();

/** An env secret both processes know, with characters JSON and URLs escape. */
const SECRET = 'db-Pa55 "word"\\tab\t/+=?&-7f3e';
/** A token only its shape gives away. */
const PAT = `ghp_${"Jq8".repeat(12)}`;
const FORMS = [...encodedForms(SECRET), PAT];

/** Every way the secrets are planted into text the loop reads. */
function planted(): string[] {
  return [
    `password=${SECRET}`,
    `b64 ${Buffer.from(SECRET).toString("base64")} basic ${Buffer.from(`x-access-token:${SECRET}`).toString("base64")}`,
    `url https://db.test/?p=${encodeURIComponent(SECRET)}&q=${new URLSearchParams({ p: SECRET }).toString()}`,
    `json {"password":${JSON.stringify(SECRET)}} nested ${JSON.stringify(JSON.stringify({ p: SECRET }))}`,
    `hex ${Buffer.from(SECRET).toString("hex")}`,
    `glued %3D${PAT} Bearer${PAT} ${PAT}_x`,
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const previous = processRedactor();
afterEach(() => {
  useProcessRedactor(previous);
});

describeDocker("no form of a planted secret leaves, whatever input carries it", () => {
  const world = useLoopWorld(gh, "redleak");

  it("env, CI job name and log, container output -> requests, comments, checks, statuses, logs, artifacts", async () => {
    const { stack, origin, baseSha } = world();
    const fake = createFakeGitHub(gh, origin);
    mockPyPI(gh);

    // The app process, wired as `npm start` wires it, with the secret in its env.
    const appRedactor = createRedactor().addFromEnv({ ...process.env, DB_PASSWORD: SECRET });
    const appLines: string[] = [];
    const wiring = appWiring(appRedactor, {
      level: "debug",
      destination: { write: (l) => appLines.push(l) },
    });
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey(),
      secret: "test-webhook-secret",
      log: wiring.log as unknown as NonNullable<ConstructorParameters<typeof Probot>[0]>["log"],
      Octokit: wiring.Octokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        retry: { enabled: false },
        throttle: { ...(options.throttle as object | undefined), enabled: false },
      })),
    });
    await probot.load(orchestrator);
    const asApp = async <
      E extends "workflow_run" | "pull_request_review" | "pull_request" | "deployment_status",
    >(
      name: E,
      payload: WebhookPayload<E>,
    ) => {
      useProcessRedactor(appRedactor);
      await probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot["receive"]>[0]);
    };

    // 1. CI fails; the failed job's name and log carry every planted form (one right across the 400 cut).
    const run = failingCiRun(baseSha);
    const job = run.jobs.find((j) => j.conclusion === "failure")!;
    job.name = `test web ${PAT} ${encodeURIComponent(SECRET)}`;
    const missing = "ModuleNotFoundError: No module named 'yaml'";
    job.log = job.log.replace(
      missing,
      `${missing} ${"x".repeat(380 - missing.length)} ${PAT} ${SECRET}\n${planted().join("\n")}`,
    );
    fake.addRun(run);
    await asApp("workflow_run", workflowRunFailed(run));
    expect(fake.pulls, "the fix PR opened").toHaveLength(1);
    const pr = fake.pulls[0]!;
    expect(pr.body).toContain("No module named 'yaml'");
    expect(pr.body, "the planted text reached the PR body, masked").toContain(MASK);

    // 2. Approve and merge on top of a main whose container prints the planted forms and has no health page.
    const review = fake.review(pr.number, APPROVER, "APPROVED");
    await asApp("pull_request_review", reviewSubmitted(fake, review));
    const echo = planted()
      .map((line) => `echo '${line.replace(/'/g, `'"'"'`)}'`)
      .join("\n");
    fake.push(
      {
        "services/web/www/health": null,
        "services/web/start.sh": `#!/bin/sh\n${echo}\nexec httpd -f -p 8080 -h /www\n`,
      },
      "web: prints its config, drops the health page",
      "carol",
    );
    fake.merge(pr.number, APPROVER);
    await asApp("pull_request", pullClosed(fake, pr.number));
    expect(fake.deployments).toHaveLength(1);
    const deployment = fake.deployments[0]!;

    // 3. The runner process: its own redactor, the secret in its env; it deploys, fails, rolls back.
    useProcessRedactor(createRedactor());
    stack.env.DB_PASSWORD = SECRET;
    const pass = await runnerPass(stack);
    expect(pass.code).toBe(0);
    expect(fake.statuses.filter((s) => s.deployment === deployment.id).map((s) => s.state)).toEqual([
      "in_progress",
      "failure",
    ]);
    const comment = fake.comments.find((c) => c.issue === pr.number)!;
    expect(comment.body, "the container's output reached the comment, masked").toMatch(
      /Container log[\s\S]*password=\*\*\*/,
    );

    // 4. The app hears the statuses and offers the revert.
    for (const event of deploymentStatusEvents(fake, deployment.id)) await asApp("deployment_status", event);
    expect(fake.pulls).toHaveLength(2);

    const artifacts = filesUnder(stack.stateDir);
    expect(artifacts.some((f) => f.endsWith("verify.log"))).toBe(true);
    const everything: Array<[string, string]> = [
      ["outbound requests, comments, checks, statuses, runner output", outboundText(gh, fake, [pass])],
      ["app log", appLines.join("")],
      ...artifacts.map((f): [string, string] => [
        f.slice(stack.stateDir.length + 1),
        readFileSync(f, "utf8"),
      ]),
    ];
    for (const [where, text] of everything)
      for (const form of FORMS)
        expect(text.includes(form), `${JSON.stringify(form)} in ${where}`).toBe(false);
    expect(fake.problems).toEqual([]);
  }, 180_000);
});
