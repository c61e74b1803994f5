import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { redactedLogger } from "../../../src/redact/logger.js";
import { redactor } from "../../../src/redact/redactor.js";
import { formatArg, octokitLog } from "../../../runner/github/octokit-log.js";

function jsonLog() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: redactedLogger({ level: "debug", destination }) };
}

describe("octokitLog", () => {
  it("logs Probot's request line whose fields are a null-prototype body (it used to throw)", () => {
    const { lines, log } = jsonLog();
    const body = Object.assign(Object.create(null) as object, { repositories: ["stack"] });
    octokitLog(log).debug(body, "GitHub request: POST /app/installations/1/access_tokens - 201");
    expect(lines).toMatchObject([
      {
        level: 20,
        source: "octokit",
        msg: "GitHub request: POST /app/installations/1/access_tokens - 201",
        data: expect.stringContaining("repositories: [ 'stack' ]"),
      },
    ]);
  });

  it("formats circular objects, errors, symbols and console-style arguments without throwing", () => {
    const { lines, log } = jsonLog();
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const octokit = octokitLog(log);
    octokit.warn("retrying", circular);
    octokit.error(new Error("socket hang up"));
    octokit.info(Symbol("s"), 42, null, undefined);
    expect(lines.map((l) => l.msg)).toEqual([
      "retrying <ref *1> { name: 'loop', self: [Circular *1] }",
      "socket hang up",
      "Symbol(s) 42 null undefined",
    ]);
    expect(lines.map((l) => l.level)).toEqual([40, 50, 30]);
  });

  it("redacts secrets in formatted arguments, nested ones included", () => {
    const { lines, log } = jsonLog();
    const token = "ghs_octokitLogTestToken0123456789abcdef";
    redactor.add(token);
    octokitLog(log).debug({ headers: { authorization: `token ${token}` } }, `sent ${token}`);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(lines[0]).toMatchObject({ msg: "sent ***" });
  });

  it("caps one argument's text", () => {
    const text = formatArg("x".repeat(10_000));
    expect(text.length).toBeLessThan(2_100);
    expect(text).toMatch(/… \(10000 chars\)$/);
  });
});
