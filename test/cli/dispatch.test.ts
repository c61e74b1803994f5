import { describe, expect, it } from "vitest";
import { dispatch, type CliProgram } from "../../src/cli/dispatch.js";
import { UsageError } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { main as runnerMain } from "../../runner/cli/main.js";

function sinks() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

const program: CliProgram = {
  name: "tool",
  usage: "usage: tool <cmd>\n",
  commands: {
    ok: async (argv, io) => (io.stdout.write(`ok ${argv.join(",")}\n`), 0),
    bad: async () => {
      throw new UsageError("--log is required");
    },
    broken: async () => {
      throw new Error("disk full");
    },
  },
  isUsageError: (e) => e instanceof UsageError,
};

describe("dispatch", () => {
  it("runs the named command with the rest of argv", async () => {
    const s = sinks();
    expect(await dispatch(program, ["ok", "a", "b"], s.io)).toBe(0);
    expect(s.out()).toBe("ok a,b\n");
  });
  it("prints usage: exit 2 without a command, 0 for help", async () => {
    const s = sinks();
    expect(await dispatch(program, [], s.io)).toBe(2);
    expect(await dispatch(program, ["--help"], s.io)).toBe(0);
    expect(s.out()).toBe("usage: tool <cmd>\nusage: tool <cmd>\n");
  });
  it("names an unknown command, including inherited object keys", async () => {
    const s = sinks();
    expect(await dispatch(program, ["toString"], s.io)).toBe(2);
    expect(s.err()).toContain("tool: unknown command 'toString'");
  });
  it("exits 2 on usage errors and 1 on other errors, with the message and no stack", async () => {
    const s = sinks();
    expect(await dispatch(program, ["bad"], s.io)).toBe(2);
    expect(await dispatch(program, ["broken"], s.io)).toBe(1);
    expect(s.err()).toBe("tool bad: --log is required\ntool broken: disk full\n");
  });
});

describe("dispatch: --help and --version", () => {
  it("answers <command> --help / -h with the program usage, exit 0, without running the command", async () => {
    const s = sinks();
    expect(await dispatch(program, ["bad", "--help"], s.io)).toBe(0);
    expect(await dispatch(program, ["broken", "x", "-h"], s.io)).toBe(0);
    expect(s.out()).toBe("usage: tool <cmd>\nusage: tool <cmd>\n");
    expect(s.err()).toBe("");
  });
  it("leaves --help to commands that answer it themselves, and after -- to the command", async () => {
    const s = sinks();
    const own = { ...program, selfHelp: ["ok"] };
    expect(await dispatch(own, ["ok", "--help"], s.io)).toBe(0);
    expect(await dispatch(program, ["ok", "--", "-h"], s.io)).toBe(0);
    expect(s.out()).toBe("ok --help\nok --,-h\n");
  });
  it("prints the package name and version for --version, -V and version", async () => {
    const s = sinks();
    for (const flag of ["--version", "-V", "version"]) expect(await dispatch(program, [flag], s.io)).toBe(0);
    expect(s.out()).toMatch(/^(tool \d+\.\d+\.\d+ \(compose-orchestrator\)\n){3}$/);
  });
  it("gives every runner subcommand its own --help with exit 0", async () => {
    for (const command of ["deploy", "status", "runs", "reconcile", "start"]) {
      const s = sinks();
      expect(await runnerMain([command, "--help"], s.io, {}), command).toBe(0);
      expect(s.out()).toContain(`usage: orchestrator-runner ${command}`);
    }
  });
  it("prints a command's own usage from commandUsage, and the program's for the others", async () => {
    const withOwn = { ...program, commandUsage: { ok: "usage: tool ok [--x]\n" } };
    const a = sinks();
    expect(await dispatch(withOwn, ["ok", "-h"], a.io)).toBe(0);
    expect(a.out()).toBe("usage: tool ok [--x]\n");
    const b = sinks();
    expect(await dispatch(withOwn, ["bad", "--help"], b.io)).toBe(0);
    expect(b.out()).toBe(program.usage);
  });
});

describe("orchestrator main", () => {
  it("answers --help on each of its commands with that command's own usage", async () => {
    for (const [command, usage] of [
      ["demo", "usage: orchestrator demo"],
      ["diagnose", "usage: orchestrator diagnose"],
      ["fix", "usage: orchestrator fix"],
    ] as const) {
      const s = sinks();
      expect(await main([command, "-h"], s.io), command).toBe(0);
      expect(s.out()).toContain(usage);
    }
  });
  it("lists diagnose and fix", async () => {
    const s = sinks();
    expect(await main(["help"], s.io)).toBe(0);
    expect(s.out()).toMatch(/diagnose --log FILE/);
    expect(s.out()).toMatch(/fix --repo DIR --service NAME --log FILE/);
  });
  it("reports bad usage of a subcommand with exit 2", async () => {
    const s = sinks();
    expect(await main(["diagnose"], s.io)).toBe(2);
    expect(s.err()).toMatch(/^orchestrator diagnose: .*--log/);
  });
});
