/** The body both kill-point suites share: a reference run, then one killed + restarted run per event. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { SWARM_EVENT_TYPES, SWITCH_EVENT_TYPES } from "../../runner/journal/events.js";
import { JOURNAL_EVENT_TYPES } from "../../runner/journal/failpoint.js";
import type { Stack } from "../runner/stack.js";
import {
  cleanDeploy,
  exerciseKillPoint,
  killPointsOf,
  renderOutcomes,
  type Attempt,
  type KillOutcome,
  type PathSpec,
} from "./kill-points.js";

/**
 * A shorter watch window and health timeout keep ~20 deploys per path within minutes (the fixture's
 * httpd answers at once, so a good version never needs them); nothing else changes.
 */
export function shortenWatch(stack: Stack): void {
  const path = join(stack.workspace, ".github/orchestrator.yml");
  const text = readFileSync(path, "utf8");
  if (!/watch: \S+/.test(text) || !/timeout: \S+/.test(text))
    throw new Error(`the fixture config ${path} changed: no health timeout/watch to shorten`);
  writeFileSync(path, text.replace(/watch: \S+/, "watch: 1s").replace(/timeout: \S+/, "timeout: 5s"));
  stack.git("commit", "-q", "-am", "short watch window");
}

export async function killEveryBoundary(
  name: string,
  spec: PathSpec,
  finalAttempt: Attempt,
): Promise<KillOutcome[]> {
  const reference = await cleanDeploy(spec, spec.attempt(0));
  expect(reference.exit.code, reference.exit.output).toBe(spec.cleanStatus === "success" ? 0 : 3);
  const points = killPointsOf(reference.events);
  // Every event type a recreate deploy writes is on this path, so every type gets a kill point
  // (the start-first switch's own events have their suite, and swarm's the swarm suites).
  const recreateTypes = JOURNAL_EVENT_TYPES.filter(
    (t) => ![...SWITCH_EVENT_TYPES, ...SWARM_EVENT_TYPES].includes(t as never),
  );
  expect(new Set(points.map((p) => p.type))).toEqual(new Set(recreateTypes));
  const resolved = reference.events.find((e) => e.type === "resolved");
  const serviceImage = resolved?.type === "resolved" ? resolved.serviceImage : null;

  const outcomes: KillOutcome[] = [];
  for (const [i, point] of points.entries())
    outcomes.push(await exerciseKillPoint(spec, point, spec.attempt(i + 1), serviceImage));
  const recovered = outcomes.filter((o) => o.problems.length === 0).length;
  console.log(`${name}:\n${renderOutcomes(outcomes)}\n${points.length} kill points, ${recovered} recovered`);

  // The next deploy after all of that runs normally.
  const next = await cleanDeploy(spec, finalAttempt);
  expect(next.exit.code, next.exit.output).toBe(0);
  expect(await spec.stack.get("/version")).toBe(finalAttempt.version);

  expect(renderOutcomes(outcomes.filter((o) => o.problems.length > 0))).toBe("");
  expect(recovered).toBe(points.length);
  return outcomes;
}
