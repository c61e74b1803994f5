/**
 * Kill points inside `reconcile` itself: a deploy is SIGKILLed at a step boundary, the `reconcile`
 * that picks it up is SIGKILLed right after each journal event it writes, and a second `reconcile`
 * must finish the run with the same guarantees (old or new version serving, one result and one
 * report, no lock, nothing left to reconcile, the next deploy runs).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { listRunIds, readEvents, runDir } from "../../runner/journal/journal-file.js";
import { describeDocker } from "../helpers/docker.js";
import { createStack, type Stack } from "../runner/stack.js";
import {
  cleanDeploy,
  exerciseKillPoint,
  killPointsOf,
  renderOutcomes,
  runnerEnv,
  type Attempt,
  type KillOutcome,
  type KillPoint,
  type PathSpec,
} from "./kill-points.js";
import { shortenWatch } from "./kill-points-suite.js";
import { runRunner } from "./runner-process.js";

describeDocker("kill points inside reconcile (local runs)", () => {
  let stack: Stack;
  let made = 0;
  beforeAll(async () => {
    stack = await createStack("killrc");
    shortenWatch(stack);
    stack.upInitial();
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  /** A new version each time; `broken` ones have no /health, so they are rolled back. */
  const attempt = (broken: boolean): Attempt => {
    made += 1;
    const version = `${broken ? "rcbad" : "rc"}${made}`;
    const ref = stack.variant(`${version}`, {
      "services/web/www/version": `${version}\n`,
      ...(broken ? { "services/web/www/health": null } : {}),
    });
    return { ref, version };
  };

  /**
   * The events `reconcile` journals when it picks up a deploy killed at `point`: one clean pass
   * (deploy killed, reconcile to the end), reading what reconcile appended to the run's journal.
   */
  async function reconcileEvents(point: KillPoint, broken: boolean) {
    const known = new Set(listRunIds(stack.stateDir));
    const killed = await runRunner(
      ["deploy", "web", "--ref", attempt(broken).ref],
      runnerEnv(stack, point.spec),
    );
    expect(killed.signal, killed.output).toBe("SIGKILL");
    const runId = listRunIds(stack.stateDir).find((id) => !known.has(id))!;
    const before = readEvents(runDir(stack.stateDir, runId)).length;
    const reconciled = await runRunner(["reconcile"], runnerEnv(stack));
    expect(reconciled.signal, reconciled.output).toBeNull();
    const appended = readEvents(runDir(stack.stateDir, runId)).slice(before);
    expect(appended.map((e) => e.type)).toContain("reported");
    return appended;
  }

  it("a reconcile killed after each event it journals is finished by the next one", async () => {
    const paths: Array<{ broken: boolean; point: KillPoint }> = [
      // Killed while verifying a good version: reconcile verifies again (or rolls back).
      { broken: false, point: { spec: "after:step-start/verify:1", type: "step-start", step: "verify" } },
      // Killed right after a failed verification: reconcile runs the whole rollback.
      { broken: true, point: { spec: "after:step-end/verify:1", type: "step-end", step: "verify" } },
    ];
    const outcomes: KillOutcome[] = [];
    let serviceImage: string | null = null;
    for (const { broken, point } of paths) {
      const spec: PathSpec = {
        stack,
        attempt: () => attempt(broken),
        cleanStatus: broken ? "rolled_back" : "success",
      };
      if (serviceImage === null) {
        const reference = await cleanDeploy(spec, attempt(false));
        expect(reference.exit.code, reference.exit.output).toBe(0);
        const resolved = reference.events.find((e) => e.type === "resolved");
        serviceImage = resolved?.type === "resolved" ? resolved.serviceImage : null;
      }
      const points = killPointsOf(await reconcileEvents(point, broken));
      expect(points.length).toBeGreaterThan(0);
      for (const reconcilePoint of points)
        outcomes.push(await exerciseKillPoint(spec, point, attempt(broken), serviceImage, reconcilePoint));
    }
    const recovered = outcomes.filter((o) => o.problems.length === 0).length;
    console.log(
      `reconcile killed:\n${renderOutcomes(outcomes)}\n${outcomes.length} kill points, ${recovered} recovered`,
    );

    const good = attempt(false);
    const next = await cleanDeploy({ stack, attempt: () => good, cleanStatus: "success" }, good);
    expect(next.exit.code, next.exit.output).toBe(0);
    expect(await stack.get("/version")).toBe(good.version);
    expect(renderOutcomes(outcomes.filter((o) => o.problems.length > 0))).toBe("");
    expect(recovered).toBe(outcomes.length);
  }, 2_400_000);
});
