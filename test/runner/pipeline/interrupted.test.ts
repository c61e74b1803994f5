import Docker from "dockerode";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { readEvents } from "../../../runner/journal/journal-file.js";
import { runDeploy } from "../../../runner/pipeline/deploy.js";
import { describeDocker } from "../../helpers/docker.js";
import { recordingReporter } from "../recording-reporter.js";
import { COMPOSE_LABEL, createStack, type Stack } from "../stack.js";

const T = 120_000;

// The injected failure: writing the verify header of the NEW version fails once (think: disk full).
// That write happens outside any step, after `up`, so before the fix the run was left unfinished.
const failures = vi.hoisted(() => ({ armed: false }));
vi.mock("../../../runner/artifacts/artifacts.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../runner/artifacts/artifacts.js")>();
  return {
    ...real,
    appendArtifact(dir: string, name: Parameters<typeof real.appendArtifact>[1], text: string) {
      if (failures.armed && name === "verify.log" && text === "== verify new version ==") {
        failures.armed = false;
        throw new Error("ENOSPC: no space left on device, write");
      }
      real.appendArtifact(dir, name, text);
    },
  };
});

describeDocker(`runDeploy throwing partway, in-process (${COMPOSE_LABEL})`, () => {
  let stack: Stack;
  let v1Image: string;
  beforeAll(async () => {
    stack = await createStack("interrupt");
    stack.upInitial();
    v1Image = (await new Docker().getImage(stack.image).inspect()).Id;
  });
  afterAll(async () => {
    await stack?.cleanup();
  });

  it(
    "an error after `up` rolls the touched service back and reports the run once",
    async () => {
      const before = stack.git("rev-parse", "HEAD");
      stack.variant("v2", { "services/web/www/version": "v2\n" });
      const reporter = recordingReporter();
      failures.armed = true;

      const result = await runDeploy(stack.deployRequest("v2"), { reporter });

      expect(failures.armed).toBe(false); // the failure did fire
      expect(result.status, result.reason).toBe("rolled_back");
      expect(result.reason).toBe(
        "the deploy stopped with an error after 'up': ENOSPC: no space left on device, write; rolled back to the previous image",
      );
      expect(result.steps.map((s) => s.step)).toEqual([
        "prepare",
        "checkout",
        "build",
        "up",
        "rollback-tag",
        "rollback-up",
        "rollback-verify",
        "restore-workspace",
      ]);
      expect(await stack.get("/version")).toBe("v1");
      expect((await new Docker().getImage(stack.image).inspect()).Id).toBe(v1Image);
      expect(stack.git("rev-parse", "HEAD")).toBe(before);
      expect(reporter.finished.map((r) => r.runId)).toEqual([result.runId]);
      const events = readEvents(result.artifactsDir);
      expect(events.filter((e) => e.type === "result")).toHaveLength(1);
      expect(events.filter((e) => e.type === "reported")).toHaveLength(1);
    },
    T,
  );
});
