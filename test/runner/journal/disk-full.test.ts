import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { allRuns } from "../../../runner/journal/history.js";
import { JOURNAL_FILE, readEvents, runDir, runsDir } from "../../../runner/journal/journal-file.js";
import { lockPath } from "../../../runner/lock/service-lock.js";
import { describeDocker } from "../../helpers/docker.js";
import { spawnRunnerCli } from "../cli-process.js";
import { createStack, type Stack } from "../stack.js";
import { mountSmallDisk, type SmallDisk } from "./small-disk.js";

/** Every journal in the state dir, as raw text. */
function journals(stateDir: string): Array<{ runId: string; text: string }> {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, JOURNAL_FILE)))
    .map((id) => ({ runId: id, text: readFileSync(join(dir, id, JOURNAL_FILE), "utf8") }));
}

describeDocker("a full disk under the state dir (real local deploys through the CLI process)", () => {
  let stack: Stack;
  let disk: SmallDisk;
  beforeAll(async () => {
    stack = await createStack("diskfull");
    disk = mountSmallDisk(stack.stateDir, stack.root);
    stack.upInitial();
  }, 120_000);
  afterAll(async () => {
    disk?.unmount();
    await stack?.cleanup();
  });

  // Where the disk fills decides what fails first: the lock's owner file (no room at all), an
  // artifact in prepare, or one in verify after the new container is up. Each must end the same way.
  let round = 0;
  it.each([0, 24 * 1024, 40 * 1024])(
    "with %i bytes left: a clear error and exit 1, no torn journal line, no lock held, and the next deploy works once space is freed",
    async (leave) => {
      round++;
      const filler = disk.fill(leave);
      let failed: { code: number | null; output: string } | null = null;
      const serving: string[] = [(await stack.get("/version"))!];
      for (let i = 1; i <= 6 && !failed; i++) {
        const version = `r${round}v${i}`;
        stack.variant(version, { "services/web/www/version": `${version}\n` });
        const cli = spawnRunnerCli(["deploy", "web", "--ref", version], stack.env);
        const exited = await cli.exited;
        serving.push(version); // live if it succeeded; maybe live (not yet verified) if the disk filled after `up`
        if (exited.code !== 0) failed = { code: exited.code, output: cli.output() };
      }
      expect(failed, `the disk (${disk.kind}) never filled: ${disk.free()} bytes free`).not.toBeNull();
      const { code, output } = failed!;
      expect(code, output).toBe(1);
      const last = output.trimEnd().split("\n").at(-1)!;
      expect(last).toMatch(/^orchestrator-runner deploy: .*the disk is full \(ENOSPC\)/);
      expect(last).toContain(stack.stateDir); // it names the file
      expect(output).not.toMatch(/\n\s+at .*\.(ts|js):\d+/); // a message, not a stack trace

      // No torn or corrupt line anywhere: every journal is whole JSON lines.
      for (const { runId, text } of journals(stack.stateDir)) {
        if (text === "") continue; // the run-start itself did not fit and was taken back
        expect(text.endsWith("\n"), `${runId} ends mid-line`).toBe(true);
        for (const line of text.trimEnd().split("\n"))
          expect(() => JSON.parse(line), `${runId}: ${line}`).not.toThrow();
      }
      expect(existsSync(lockPath(stack.stateDir, "web"))).toBe(false);
      expect(serving).toContain(await stack.get("/version"));

      // Space back: the next deploy first finishes the run the full disk stopped, then deploys.
      rmSync(filler);
      const after = `r${round}after`;
      stack.variant(after, { "services/web/www/version": `${after}\n` });
      const next = spawnRunnerCli(["deploy", "web", "--ref", after], stack.env);
      const exited = await next.exited;
      expect(exited.code, next.output()).toBe(0);
      expect(await stack.get("/version")).toBe(after);
      const runs = allRuns(stack.stateDir).filter((run) => run.start);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      for (const run of runs) expect(run.state, `${run.runId} ${next.output()}`).toBe("reported");
      // And still nothing to quarantine.
      const warnings: string[] = [];
      for (const { runId } of journals(stack.stateDir))
        readEvents(runDir(stack.stateDir, runId), (message) => warnings.push(message));
      expect(warnings).toEqual([]);
    },
    300_000,
  );
});
