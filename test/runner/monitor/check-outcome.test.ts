import { describe, expect, it } from "vitest";
import { checkOutcome, failedCheck } from "../../../runner/monitor/check-outcome.js";
import { container } from "./outcomes.js";

describe("checkOutcome", () => {
  const table = [
    { name: "no container", obs: { container: null }, ok: false, cause: "missing" },
    { name: "running, no health", obs: { container: container() }, ok: true, cause: null },
    {
      name: "restarting",
      obs: { container: container({ restarting: true, status: "restarting", exitCode: 1 }) },
      ok: false,
      cause: "restarting",
    },
    {
      name: "exited",
      obs: { container: container({ running: false, status: "exited", exitCode: 137 }) },
      ok: false,
      cause: "exited",
    },
    {
      name: "docker unhealthy",
      obs: { container: container({ health: "unhealthy", healthOutput: "wget: refused" }) },
      ok: false,
      cause: "unhealthy",
    },
    {
      name: "docker starting counts as up",
      obs: { container: container({ health: "starting" }) },
      ok: true,
      cause: null,
    },
    {
      name: "http error",
      obs: { container: container(), http: { ok: false, status: 500, detail: "GET u -> HTTP 500" } },
      ok: false,
      cause: "http",
    },
    {
      name: "http timeout",
      obs: { container: container(), http: { ok: false, timedOut: true, detail: "GET u -> no answer" } },
      ok: false,
      cause: "timeout",
    },
    {
      name: "http ok",
      obs: { container: container(), http: { ok: true, status: 200, detail: "GET u -> HTTP 200" } },
      ok: true,
      cause: null,
    },
  ] as const;
  for (const row of table) {
    it(row.name, () => {
      const outcome = checkOutcome(row.obs);
      expect(outcome.ok).toBe(row.ok);
      expect(outcome.cause).toBe(row.cause);
      if (row.ok) expect(outcome.error).toBeNull();
      else expect(outcome.error).toEqual(expect.any(String));
    });
  }

  it("carries the exit code of a stopped container and the restart count", () => {
    const outcome = checkOutcome({
      container: container({ running: false, status: "exited", exitCode: 3, restartCount: 4 }),
    });
    expect(outcome).toMatchObject({ exitCode: 3, restartCount: 4, containerId: "c1" });
    expect(outcome.error).toBe("container stack-web-1 is exited (exit code 3)");
  });

  it("a failed check carries no container", () => {
    expect(failedCheck("docker", "down")).toEqual({
      ok: false,
      cause: "docker",
      error: "down",
      restartCount: null,
      containerId: null,
      exitCode: null,
    });
  });
});
