import { describe, expect, it } from "vitest";
import { DemoSteps, renderStepTable } from "../../../src/cli/demo/steps.js";

describe("DemoSteps", () => {
  it("numbers steps, prints what each did, and stops after the first one that did not", async () => {
    const out: string[] = [];
    const steps = new DemoSteps((t) => out.push(t), 3);
    expect(await steps.run("one", async () => ({ ok: true, detail: "did one" }))).toBe(true);
    expect(await steps.run("two", async () => ({ ok: false, detail: "expected success, got failed" }))).toBe(
      false,
    );
    let ranThree = false;
    expect(
      await steps.run("three", async () => {
        ranThree = true;
        return { ok: true, detail: "" };
      }),
    ).toBe(false);
    expect(ranThree).toBe(false);
    expect(steps.ok).toBe(false);
    expect(steps.results.map((r) => r.outcome)).toEqual(["ok", "FAILED", "skipped"]);
    const text = out.join("");
    expect(text).toContain("[1/3] one\n  ok (");
    expect(text).toMatch(/\[2\/3\] two\n {2}FAILED \([^)]*\): expected success, got failed/);
    expect(text).not.toContain("[3/3]");
  });

  it("still runs a clean-up step marked always after a failure", async () => {
    const steps = new DemoSteps(() => undefined, 3);
    await steps.run("fails", async () => ({ ok: false, detail: "no" }));
    await steps.run("skipped", async () => ({ ok: true, detail: "" }));
    expect(await steps.run("clean up", async () => ({ ok: true, detail: "removed" }), { always: true })).toBe(
      true,
    );
    expect(steps.results.map((r) => r.outcome)).toEqual(["FAILED", "skipped", "ok"]);
    expect(steps.ok).toBe(false);
  });

  it("counts a throwing step as failed, with the error as its detail", async () => {
    const steps = new DemoSteps(() => undefined, 1);
    await steps.run("boom", () => Promise.reject(new Error("engine went away")));
    expect(steps.results[0]).toMatchObject({ outcome: "FAILED", detail: "engine went away" });
  });

  it("records skips with their reason and renders an aligned table", async () => {
    const steps = new DemoSteps(() => undefined, 2);
    await steps.run("a long step title", async () => ({ ok: true, detail: "" }));
    steps.skip("short", "Docker is not usable");
    expect(steps.ok).toBe(true);
    const table = renderStepTable(steps.results).split("\n");
    expect(table[0]).toMatch(/^ {3}1\. a long step title {2}ok/);
    expect(table[1]).toMatch(/^ {3}2\. short {14}skipped {11}Docker is not usable$/);
  });
});
