import { describe, expect, it } from "vitest";
import type { ContainerState } from "../../../runner/docker/state.js";
import { CRASH_LOOP_RESTARTS, judgeStart, judgeWatch, startProbes } from "../../../runner/verify/verdict.js";

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
    [{ ...up, restarting: true, running: true }, ok, "retry", "is restarting", "crash_loop"],
    [{ ...up, running: false, status: "created" }, ok, "retry", "is created", "exited"],
    [{ ...up, health: "starting" as const }, ok, "retry", "still starting", "timeout"],
    [up, { ok: false, detail: "HTTP 503" }, "retry", "HTTP health: HTTP 503", "http"],
    [
      { ...up, health: "unhealthy" as const, healthOutput: "wget: 404" },
      { ok: false, status: 404, detail: "HTTP 404" },
      "fail",
      "unhealthy: wget: 404; HTTP health: HTTP 404",
      "unhealthy",
    ],
    // Not answering yet: a slow starter that Docker health will call healthy once it listens.
    [
      { ...up, health: "unhealthy" as const, healthOutput: "wget: can't connect" },
      { ok: false, detail: "ECONNREFUSED" },
      "retry",
      "unhealthy: wget: can't connect",
      "unhealthy",
    ],
    [{ ...up, health: "unhealthy" as const }, null, "retry", "Docker health is unhealthy", "unhealthy"],
    [
      { ...up, running: false, status: "exited", exitCode: 2, restartPolicy: "no" },
      null,
      "fail",
      "exit code 2",
      "exited",
    ],
    [
      { ...up, running: false, status: "exited", exitCode: 2, restartPolicy: "always" },
      null,
      "retry",
      "exit code 2",
      "exited",
    ],
  ])("%#: %j -> %s", (container, http, kind, reason, cause) => {
    const verdict = judgeStart(container, http);
    expect(verdict.kind).toBe(kind);
    expect(verdict.kind === "pass" ? "" : verdict.reason).toContain(reason);
    expect(verdict.kind === "pass" ? "" : verdict.cause).toBe(cause);
  });

  it("fails without a container", () => {
    expect(judgeStart(null, null)).toEqual({
      kind: "fail",
      reason: "the service has no container after `up`",
      cause: "exited",
      crashed: false,
    });
  });

  it(`fails as a crash-loop once the same container restarted ${CRASH_LOOP_RESTARTS} times, not before`, () => {
    const looping = { ...up, restarting: true, restartCount: 7, exitCode: 1 };
    expect(judgeStart(looping, null, CRASH_LOOP_RESTARTS - 1)).toMatchObject({
      kind: "retry",
      cause: "crash_loop",
    });
    expect(judgeStart(looping, null, CRASH_LOOP_RESTARTS)).toEqual({
      kind: "fail",
      reason: `crash-loop: restarted ${CRASH_LOOP_RESTARTS} time(s) during verification (last exit code 1)`,
      cause: "crash_loop",
      crashed: true,
    });
    // A container that exited for good says so, whatever its restart count.
    expect(
      judgeStart({ ...up, running: false, status: "exited", restartPolicy: "no" }, null, 5),
    ).toMatchObject({ kind: "fail", cause: "exited" });
  });
});

describe("judgeWatch", () => {
  it("passes while the same container stays up", () => {
    expect(judgeWatch(up, { ...up })).toEqual({ kind: "pass" });
  });

  it.each([
    [null, "disappeared", "exited"],
    [{ ...up, id: "c2" }, "replaced", "exited"],
    [
      { ...up, restartCount: 2, exitCode: 1 },
      "crash-loop: restarted 2 time(s) during the watch window (last exit code 1)",
      "crash_loop",
    ],
    [{ ...up, running: false, status: "exited", exitCode: 137 }, "is exited (exit code 137)", "exited"],
    [{ ...up, restarting: true }, "is running (exit code 0)", "crash_loop"],
    [{ ...up, health: "unhealthy" as const }, "turned unhealthy", "unhealthy"],
  ])("%#: fails on %j", (current, reason, cause) => {
    const verdict = judgeWatch(up, current);
    expect(verdict.kind).toBe("fail");
    expect(verdict.kind === "fail" ? verdict.reason : "").toContain(reason);
    expect(verdict.kind === "fail" ? verdict.cause : "").toBe(cause);
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
