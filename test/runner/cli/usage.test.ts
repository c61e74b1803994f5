import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main, PROGRAM } from "../../../runner/cli/main.js";
import { COMMAND_USAGE } from "../../../runner/cli/usage.js";
import { buildDist, ROOT } from "../../cli/build-dist.js";

function capture() {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } },
    out: () => out,
    err: () => err,
  };
}

/** The `--option` names a usage text lists in its options section. */
function listedOptions(usage: string): string[] {
  const section = usage.split(/\noptions:\n/)[1]?.split(/\n\n/)[0] ?? "";
  return [...section.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
}

describe("orchestrator-runner <command> --help", () => {
  const commands = Object.keys(PROGRAM.commands);

  it("has a usage text for every subcommand", () => {
    const missing = commands.filter((c) => !COMMAND_USAGE[c]);
    expect(missing, `subcommands without an entry in runner/cli/usage.ts: ${missing.join(", ")}`).toEqual([]);
    expect(commands).toEqual(expect.arrayContaining(["start", "deploy", "status", "runs", "reconcile"]));
  });

  it.each(Object.keys(PROGRAM.commands))(
    "%s --help and -h print that command's usage, exit 0",
    async (cmd) => {
      for (const flag of ["--help", "-h"]) {
        const c = capture();
        expect(await main([cmd, flag], c.io, {})).toBe(0);
        expect(c.out()).toBe(COMMAND_USAGE[cmd]);
        expect(c.out()).toMatch(new RegExp(`^usage: orchestrator-runner ${cmd}\\b`));
        expect(c.out()).toContain("exit codes:");
        expect(c.err()).toBe("");
      }
    },
  );

  it.each(Object.keys(PROGRAM.commands))("%s: an unknown option exits 2 naming it", async (cmd) => {
    for (const bad of ["--bogus-option", "-q"]) {
      const c = capture();
      const state = mkdtempSync(join(tmpdir(), "usage-state-"));
      // deploy needs a service before its workspace is read; the option is refused before that.
      const argv = cmd === "deploy" ? [cmd, "web", bad] : [cmd, bad];
      expect(await main(argv, c.io, { RUNNER_STATE_DIR: state })).toBe(2);
      expect(c.err()).toContain(`unknown option ${bad}`);
    }
  });

  it.each(Object.keys(COMMAND_USAGE))(
    "every option %s --help lists is accepted by its parser",
    async (cmd) => {
      const options = listedOptions(COMMAND_USAGE[cmd]!);
      if (cmd !== "reconcile") expect(options.length).toBeGreaterThan(0);
      for (const option of options) {
        const c = capture();
        const state = mkdtempSync(join(tmpdir(), "usage-state-"));
        const ws = mkdtempSync(join(tmpdir(), "usage-ws-"));
        const valued = /^ {2}--[a-z-]+ [A-Z]/m.test(
          COMMAND_USAGE[cmd]!.split("\n").find((l) => l.startsWith(`  ${option}`)) ?? "",
        );
        const value = option === "--limit" ? "3" : option === "--workspace" ? ws : "x";
        const argv = [cmd, ...(cmd === "deploy" ? ["web"] : []), option, ...(valued ? [value] : [])];
        // start --once needs GitHub: it stops at APP_ID, after its options were accepted.
        await main(argv, c.io, { RUNNER_STATE_DIR: state, RUNNER_WORKSPACE: ws });
        expect(c.err(), `${cmd} ${option}`).not.toContain("unknown option");
        expect(c.err(), `${cmd} ${option}`).not.toContain("takes no value");
        expect(c.err(), `${cmd} ${option}`).not.toContain("needs a value");
      }
    },
  );
});

describe("the real orchestrator-runner process", () => {
  beforeAll(() => buildDist(), 180_000);

  it.each(["start", "deploy", "status", "runs", "reconcile"])("%s --help exits 0 with its usage", (cmd) => {
    const result = spawnSync(process.execPath, [join(ROOT, "bin/orchestrator-runner.js"), cmd, "--help"], {
      cwd: mkdtempSync(join(tmpdir(), "usage-cwd-")),
      env: { PATH: process.env.PATH },
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(COMMAND_USAGE[cmd]);
  });

  it("deploy --frobnicate exits 2 naming the option", () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin/orchestrator-runner.js"), "deploy", "web", "--frobnicate"],
      { cwd: mkdtempSync(join(tmpdir(), "usage-cwd-")), env: { PATH: process.env.PATH }, encoding: "utf8" },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown option --frobnicate");
  });
});
