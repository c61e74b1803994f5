import { describe, expect, it } from "vitest";
import type { ContainerState } from "../../../runner/docker/state.js";
import { judgeStart, judgeWatch, startProbes } from "../../../runner/verify/verdict.js";

const up: ContainerState = {
  id: "c1",
  name: "shop_api_1",
  imageId: "sha256:0123456789abcdef0123",
  imageName: "shop_api",
  status: "running",
  running: true,
  restarting: false,
  exitCode: 0,
  health: "healthy",
  healthOutput: "",
  restartCount: 0,
  restartPolicy: "always",
  startedAt: "",
};
const ok = { ok: true, detail: "HTTP 200" };

describe("judgeStart", () => {
  it("passes when running, healthy and answering", () => {
    expect(judgeStart(up, ok)).toEqual({ kind: "pass" });
    expect(judgeStart({ ...up, health: "none" }, null)).toEqual({ kind: "pass" });
  });

  it.each([
    [{ ...up, restarting: true, running: true }, ok, "retry", "is restarting"],
    [{ ...up, running: false, status: "created" }, ok, "retry", "is created"],
    [{ ...up, health: "starting" as const }, ok, "retry", "still starting"],
    [up, { ok: false, detail: "HTTP 503" }, "retry", "HTTP health: HTTP 503"],
    [{ ...up, health: "unhealthy" as const, healthOutput: "wget: 404" }, ok, "fail", "unhealthy: wget: 404"],
    [
      { ...up, running: false, status: "exited", exitCode: 2, restartPolicy: "no" },
      null,
      "fail",
      "exit code 2",
    ],
    [
      { ...up, running: false, status: "exited", exitCode: 2, restartPolicy: "always" },
      null,
      "retry",
      "exit code 2",
    ],
  ])("%#: %j -> %s", (container, http, kind, reason) => {
    const verdict = judgeStart(container, http);
    expect(verdict.kind).toBe(kind);
    expect(verdict.kind === "pass" ? "" : verdict.reason).toContain(reason);
  });

  it("fails without a container", () => {
    expect(judgeStart(null, null)).toEqual({
      kind: "fail",
      reason: "the service has no container after `up`",
    });
  });
});

describe("judgeWatch", () => {
  it("passes while the same container stays up", () => {
    expect(judgeWatch(up, { ...up })).toEqual({ kind: "pass" });
  });

  it.each([
    [null, "disappeared"],
    [{ ...up, id: "c2" }, "replaced"],
    [
      { ...up, restartCount: 2, exitCode: 1 },
      "crash-loop: restarted 2 time(s) during the watch window (last exit code 1)",
    ],
    [{ ...up, running: false, status: "exited", exitCode: 137 }, "is exited (exit code 137)"],
    [{ ...up, health: "unhealthy" as const }, "turned unhealthy"],
  ])("%#: fails on %j", (current, reason) => {
    const verdict = judgeWatch(up, current);
    expect(verdict.kind).toBe("fail");
    expect(verdict.kind === "fail" ? verdict.reason : "").toContain(reason);
  });
});

describe("startProbes", () => {
  it("records container, Docker health (when defined) and HTTP", () => {
    const probes = startProbes("t", { ...up, health: "starting" }, { ok: false, detail: "ECONNREFUSED" });
    expect(probes.map((p) => [p.kind, p.ok])).toEqual([
      ["container", true],
      ["docker-health", false],
      ["http", false],
    ]);
    expect(startProbes("t", { ...up, health: "none" }, null).map((p) => p.kind)).toEqual(["container"]);
    expect(startProbes("t", null, null)).toEqual([
      { at: "t", kind: "container", ok: false, detail: "no container" },
    ]);
  });
});
