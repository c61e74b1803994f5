import { afterAll, beforeAll, expect, it } from "vitest";
import { allRuns } from "../../../runner/journal/history.js";
import { describeDocker } from "../../helpers/docker.js";
import { spawnRunnerCli } from "../cli-process.js";
import { COMPOSE_LABEL, createStack, type Stack } from "../stack.js";

describeDocker(`two runner processes deploying one service at once (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack("lock");
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it("are serialized by the service lock: the runs never overlap and both succeed", async () => {
    stack.variant("a", { "services/web/www/version": "va\n" });
    stack.variant("b", { "services/web/www/version": "vb\n" });
    const first = spawnRunnerCli(["deploy", "web", "--ref", "a"], stack.env);
    const second = spawnRunnerCli(["deploy", "web", "--ref", "b"], stack.env);
    const [ea, eb] = await Promise.all([first.exited, second.exited]);
    expect([ea.code, eb.code], first.output() + second.output()).toEqual([0, 0]);
    expect(first.output() + second.output()).toMatch(/waiting for the web lock held by pid \d+/);

    const runs = allRuns(stack.stateDir);
    expect(runs).toHaveLength(2);
    const [earlier, later] = runs
      .map((r) => ({
        start: Date.parse(r.start!.at),
        end: Date.parse(r.result!.finishedAt),
        ref: r.start!.ref,
      }))
      .sort((x, y) => x.start - y.start);
    expect(earlier!.end).toBeLessThanOrEqual(later!.start);
    expect(await stack.get("/version")).toBe(later!.ref === "a" ? "va" : "vb");
  }, 150_000);
});
